{
  "format": "krustvm-image-signature",
  "version": 1,
  "algorithm": "ed25519",
  "loadAddress": "0x0",
  "length": 4861960,
  "sha256": "c50dcea7f85919858a417186a636bf6e123f139a30f06dca96ec81680f93c76e",
  "content": "gunzip",
  "publicKeySha256": "0acb5282b0dbf8d3dbd6d2495b974dd344cf08d3757f85685922faed69588d5d",
  "signature": "ojbSCiIO6jc/oF0LpiSzsnbgqhdLYMlqVgGWcBsUfU+B5HsmcMzxDIddw9NyqnhN9YoyWoMy9uXcnEk2b/ypAQ=="
}
