// A tiny XML well-formedness checker for the generated SVG (no dependency): one root element,
// tags nested and closed in order, attributes quoted and unique, only the five predefined
// entities and numeric references, no stray '<' or '&' in text. Returns the elements it saw.
export interface XmlElement { name: string; attrs: Record<string, string>; text: string; children: XmlElement[] }

const NAME = /^[A-Za-z_][\w.:-]*/;

function checkText(s: string, where: number): string {
  for (const m of s.matchAll(/&([^;\s]*);?/g)) {
    if (!/^(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+)$/.test(m[1]) || !m[0].endsWith(';')) throw new Error(`bad entity ${m[0]} near ${where}`);
  }
  if (s.includes('<')) throw new Error(`stray < near ${where}`);
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

export function parseXml(src: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const skipProlog = /^<\?xml[^?]*\?>\s*/.exec(src);
  if (skipProlog) i = skipProlog[0].length;
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const text = src.slice(i, lt === -1 ? src.length : lt);
    if (text.trim()) {
      if (!stack.length) throw new Error(`text outside the root element near ${i}`);
      stack[stack.length - 1].text += checkText(text, i);
    } else checkText(text, i);
    if (lt === -1) break;
    const gt = src.indexOf('>', lt);
    if (gt === -1) throw new Error(`unclosed tag at ${lt}`);
    const tag = src.slice(lt + 1, gt);
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}> at ${lt}`);
    } else {
      const selfClosing = tag.endsWith('/');
      const body = selfClosing ? tag.slice(0, -1) : tag;
      const nm = NAME.exec(body);
      if (!nm) throw new Error(`bad tag name at ${lt}`);
      const el: XmlElement = { name: nm[0], attrs: {}, text: '', children: [] };
      let rest = body.slice(nm[0].length);
      while (rest.trim()) {
        const a = /^\s+([A-Za-z_][\w.:-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(rest);
        if (!a) throw new Error(`bad attribute in <${el.name}> at ${lt}: ${rest.slice(0, 30)}`);
        if (a[1] in el.attrs) throw new Error(`duplicate attribute ${a[1]} in <${el.name}> at ${lt}`);
        el.attrs[a[1]] = checkText(a[3] ?? a[4], lt);
        rest = rest.slice(a[0].length);
      }
      if (stack.length) stack[stack.length - 1].children.push(el);
      else if (root) throw new Error(`a second root element at ${lt}`);
      else root = el;
      if (!selfClosing) stack.push(el);
    }
    i = gt + 1;
  }
  if (stack.length) throw new Error(`<${stack[stack.length - 1].name}> is never closed`);
  if (!root) throw new Error('no root element');
  return root;
}

export function allElements(e: XmlElement): XmlElement[] {
  return [e, ...e.children.flatMap(allElements)];
}
