/**
 * A minimal self-signed X.509 v3 certificate writer (DER/PEM) on node:crypto.
 *
 * Node can parse certificates (crypto.X509Certificate) but cannot make them, and the sandbox needs
 * real platform certificates so the client's certificate mode is exercised exactly as in production
 * (serial read from the certificate, key taken from it). The certificate carries no extensions:
 * nothing checks a chain, only the serial and the public key matter to WeChat Pay clients.
 */
import { sign, type KeyObject } from 'node:crypto';

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

const SEQUENCE = 0x30;
const SET = 0x31;
const SHA256_WITH_RSA = der(SEQUENCE, Buffer.from('06092a864886f70d01010b', 'hex'), Buffer.from([0x05, 0x00]));
const OID_COMMON_NAME = Buffer.from('0603550403', 'hex');
const OID_ORGANIZATION = Buffer.from('060355040a', 'hex');

function name(commonName: string, organization: string): Buffer {
  const attribute = (oid: Buffer, value: string) => der(SET, der(SEQUENCE, oid, der(0x0c, Buffer.from(value, 'utf8'))));
  return der(SEQUENCE, attribute(OID_ORGANIZATION, organization), attribute(OID_COMMON_NAME, commonName));
}

/** UTCTime, valid for years 1950–2049 (enough for a sandbox). */
function utcTime(date: Date): Buffer {
  const iso = date.toISOString(); // 2024-01-02T03:04:05.000Z
  const text = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return der(0x17, Buffer.from(text, 'ascii'));
}

export interface SelfSignedCertificateInput {
  /** Upper-case hex; the first byte must be below 0x80 so the DER INTEGER needs no padding byte. */
  serialHex: string;
  commonName: string;
  organization: string;
  publicKey: KeyObject;
  privateKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
}

export function createSelfSignedCertificatePem(input: SelfSignedCertificateInput): string {
  const serial = Buffer.from(input.serialHex, 'hex');
  if (serial.length === 0 || (serial[0] ?? 0) >= 0x80 || serial[0] === 0) {
    throw new Error('certificate serial must start with a byte in 0x01..0x7f');
  }
  const subject = name(input.commonName, input.organization);
  const tbs = der(
    SEQUENCE,
    der(0xa0, der(0x02, Buffer.from([0x02]))), // [0] EXPLICIT version v3
    der(0x02, serial),
    SHA256_WITH_RSA,
    subject, // issuer: self-signed
    der(SEQUENCE, utcTime(input.notBefore), utcTime(input.notAfter)),
    subject,
    input.publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, input.privateKey);
  const certificate = der(SEQUENCE, tbs, SHA256_WITH_RSA, der(0x03, Buffer.from([0x00]), signature));
  const base64 = certificate.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`;
}
