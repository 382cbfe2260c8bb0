import iconv from 'iconv-lite';

/** What a Chinese thermal printer would read from the bytes (GB18030). */
export function decodeGb18030(bytes: Uint8Array): string {
  return iconv.decode(Buffer.from(bytes), 'gb18030');
}
