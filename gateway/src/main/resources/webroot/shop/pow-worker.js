// Solves a sale's proof-of-work off the page's thread (docs/bots.md): finds the first decimal x from 0 up such
// that SHA-256(UTF-8(nonce) ‖ UTF-8(userId) ‖ ASCII(x)) starts with `difficulty` zero bits, the exact bytes the
// gateway hashes. Digests run in batches so the crypto.subtle promises overlap. Answers
// {solution, hashes, ms}: the page logs the rate, the web test reports it.
'use strict';
const BATCH = 256;

function leadingZeroBits(bytes) {
  let bits = 0;
  for (const b of bytes) {
    if (b !== 0) return bits + Math.clz32(b) - 24;
    bits += 8;
  }
  return bits;
}

self.onmessage = async (event) => {
  const { nonce, userId, difficulty } = event.data;
  const encoder = new TextEncoder();
  const prefix = encoder.encode(nonce + userId);
  const started = performance.now();
  for (let base = 0; ; base += BATCH) {
    const digests = [];
    for (let x = base; x < base + BATCH; x++) {
      const digits = encoder.encode(String(x));
      const input = new Uint8Array(prefix.length + digits.length);
      input.set(prefix);
      input.set(digits, prefix.length);
      digests.push(crypto.subtle.digest('SHA-256', input));
    }
    const hashes = await Promise.all(digests);
    for (let i = 0; i < hashes.length; i++) {
      if (leadingZeroBits(new Uint8Array(hashes[i])) >= difficulty) {
        self.postMessage({ solution: String(base + i), hashes: base + i + 1, ms: performance.now() - started });
        return;
      }
    }
  }
};
