{
  "format": "krustvm-image-signature",
  "version": 1,
  "algorithm": "ed25519",
  "loadAddress": "0x0",
  "length": 5785608,
  "sha256": "37c91047b4ff7cba6b85651ad4cc9b4ca3c94ef221abdfb71c2fef0a713cfba0",
  "content": "gunzip",
  "publicKeySha256": "0acb5282b0dbf8d3dbd6d2495b974dd344cf08d3757f85685922faed69588d5d",
  "signature": "amPvqVZSST8EZoeYBKUs5m+DP5JQaI5KiVyHGxrtkVgs10Y+9fRo+7DOplfFaK/b2RZEOWS/dxCsxUpbyNGBCA=="
}
