{
  "format": "krustvm-image-signature",
  "version": 1,
  "algorithm": "ed25519",
  "loadAddress": "0x0",
  "length": 5785608,
  "sha256": "1e0ee45add1e05a976b9bd25f1109c8721e69724825987c80d0ee7e07d188a40",
  "content": "gunzip",
  "publicKeySha256": "0acb5282b0dbf8d3dbd6d2495b974dd344cf08d3757f85685922faed69588d5d",
  "signature": "/dG1miNr5Hi45vuvbtE1wYI1G4m6dKu7uZGIiXTCAJJZQfibW96dBE5SjFhlZB/Q70hjE6Tz8BE+R44uqB7qBA=="
}
