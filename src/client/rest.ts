// The REST client: JSON requests over a Transport with failures turned into typed ApiErrors,
// and typed per-resource clients (`client.resource<Pod>(pods)`).

import { errorFromResponse } from "./errors.ts";
import type { ObjectLike } from "./object.ts";
import type { ResourceCoords } from "./paths.ts";
import { ResourceClient } from "./resource-client.ts";
import type { Transport } from "./transport.ts";
import { openWatch, type Watch, type WatchEvent } from "./watch.ts";

export interface RestClientOptions {
  transport: Transport;
  /** Sent as User-Agent where the transport lets the caller choose (default none). */
  userAgent?: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Content type of the body (default application/json). */
  contentType?: string;
  signal?: AbortSignal;
}

export class RestClient {
  readonly transport: Transport;
  private readonly userAgent: string | undefined;

  constructor(options: RestClientOptions) {
    this.transport = options.transport;
    this.userAgent = options.userAgent;
  }

  private headers(contentType?: string): Record<string, string> {
    return {
      accept: "application/json",
      ...(contentType ? { "content-type": contentType } : {}),
      ...(this.userAgent ? { "user-agent": this.userAgent } : {}),
    };
  }

  /** One JSON request; resolves with the decoded body, throws the typed ApiError on failure. */
  async request<R>(method: string, path: string, options: RequestOptions = {}): Promise<R> {
    const body =
      options.body === undefined
        ? undefined
        : typeof options.body === "string"
          ? options.body
          : JSON.stringify(options.body);
    const res = await this.transport.request({
      method,
      path,
      headers: this.headers(body === undefined ? undefined : (options.contentType ?? "application/json")),
      ...(body !== undefined ? { body } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (res.status < 200 || res.status > 299) throw errorFromResponse(res.status, res.body);
    return (res.body === "" ? undefined : JSON.parse(res.body)) as R;
  }

  /** Opens a watch stream at a full path with query. */
  watch<T extends ObjectLike>(
    path: string,
    onEvent: (e: WatchEvent<T>) => void,
    signal?: AbortSignal,
  ): Promise<Watch> {
    return openWatch<T>(
      this.transport,
      { method: "GET", path, headers: this.headers(), ...(signal ? { signal } : {}) },
      onEvent,
    );
  }

  resource<T extends ObjectLike = ObjectLike>(def: ResourceCoords): ResourceClient<T> {
    return new ResourceClient<T>(this, def);
  }

  /** Closes the transport: every socket and open stream. */
  close(): void {
    this.transport.close();
  }
}
