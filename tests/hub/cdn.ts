import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { filePlan, textPlan } from './http.ts';
import type { Plan } from './http.ts';
import type { FileEntry } from './repos.ts';

/** What a signed CDN URL points at. */
export interface CdnTarget {
  readonly repo: string;
  readonly revision: string;
  readonly file: string;
  readonly entry: FileEntry;
  readonly sha256: string;
}

/** The request-log fields the CDN fills in. */
export interface CdnLogFields {
  repo?: string;
  revision?: string;
  file?: string;
}

const CDN_PATH = /^\/repos\/[0-9a-f]{2}\/[0-9a-f]{2}\/([0-9a-f]{24})\/([0-9a-f]{64})$/;

/**
 * Issues and checks the signed, expiring URLs of the fake CDN (S3-presigned-looking).
 *
 * @example
 * const signer = new CdnSigner(600_000);
 * const location = signer.sign('http://127.0.0.1:9001', target);
 */
export class CdnSigner {
  private readonly secret = randomBytes(32);
  private readonly targets = new Map<string, CdnTarget>();

  /** @param ttlMs - Lifetime of a signed URL. */
  constructor(private readonly ttlMs: number) {}

  /**
   * Returns a signed URL of `target` on the CDN origin `cdnUrl`.
   * The `expires` query parameter is the expiry time in epoch milliseconds.
   */
  sign(cdnUrl: string, target: CdnTarget): string {
    const key = createHash('sha1')
      .update(`${target.repo}\0${target.revision}\0${target.file}\0${target.sha256}`)
      .digest('hex')
      .slice(0, 24);
    this.targets.set(key, target);
    const { sha256 } = target;
    const expires = Date.now() + this.ttlMs;
    const name = target.file.split('/').pop() ?? target.file;
    const date = new Date().toISOString().replace(/[-:]|\.\d+/g, '');
    const query = new URLSearchParams({
      'response-content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(name)}; filename="${name}";`,
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': `INPAGETESTKEY/${date.slice(0, 8)}/us-east-1/s3/aws4_request`,
      'X-Amz-Date': date,
      'X-Amz-Expires': String(Math.max(1, Math.ceil(this.ttlMs / 1000))),
      'X-Amz-Signature': this.signature(key, sha256, expires),
      'X-Amz-SignedHeaders': 'host',
      expires: String(expires),
    });
    return `${cdnUrl}/repos/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${key}/${sha256}?${query.toString()}`;
  }

  /**
   * Plans the CDN answer to a request: the bytes (with Range), or an S3-like XML error
   * (403 expired / bad signature, 404 unknown key, 405 method).
   *
   * @param req - The request.
   * @param url - Its parsed URL.
   * @param log - Filled with the repo, revision and file of a known URL.
   */
  plan(req: IncomingMessage, url: URL, log: CdnLogFields): Plan {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return s3Error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    const match = CDN_PATH.exec(url.pathname);
    const target = match?.[1] === undefined ? undefined : this.targets.get(match[1]);
    if (!match || !target || target.sha256 !== match[2]) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
    log.repo = target.repo;
    log.revision = target.revision;
    log.file = target.file;
    const expires = Number(url.searchParams.get('expires'));
    const given = Buffer.from(url.searchParams.get('X-Amz-Signature') ?? '');
    const expected = Buffer.from(this.signature(match[1] ?? '', target.sha256, expires));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return s3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
    }
    if (!(Date.now() <= expires)) return s3Error(403, 'AccessDenied', 'Request has expired');
    return filePlan(target.entry, req.headers.range, { ETag: `"${target.sha256}"` });
  }

  private signature(key: string, sha256: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${key}\n${sha256}\n${expires}`).digest('hex');
  }
}

function s3Error(status: number, code: string, message: string): Plan {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  return textPlan(status, xml, 'application/xml');
}
