{
  "format": "krustvm-image-signature",
  "version": 1,
  "algorithm": "ed25519",
  "loadAddress": "any",
  "length": 4700672,
  "sha256": "701c7c4f1a31c11a401a2e9da857d6af3e59e41108dd483ad221526b692631e3",
  "content": "gunzip",
  "publicKeySha256": "0acb5282b0dbf8d3dbd6d2495b974dd344cf08d3757f85685922faed69588d5d",
  "signature": "OoHLGok80ZjprT3+rOl33CC4WmP2MYBYY99rGCy6LYutMMOLIvtkCjdeZ+xICM9IVDr5HDTJ0QCx9PdFQ84ICg=="
}
