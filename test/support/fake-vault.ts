/** A scripted Vault HTTP API for unit tests: a `fetch` that answers by route and records requests. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

export type Route = (req: RecordedRequest) => { status: number; body?: unknown } | undefined;

export function fakeFetch(routes: Route[]) {
  const requests: RecordedRequest[] = [];
  const fn = async (input: string, init?: RequestInit): Promise<Response> => {
    const headers = Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
    const req: RecordedRequest = { method: init?.method ?? 'GET', url: input, headers, body: init?.body ? JSON.parse(String(init.body)) : undefined };
    requests.push(req);
    for (const route of routes) {
      const answer = route(req);
      if (answer) return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status });
    }
    return new Response(JSON.stringify({ errors: [`no route for ${req.method} ${input}`] }), { status: 404 });
  };
  return { fetch: fn, requests };
}

export const kvAnswer = (data: Record<string, string>, version: number) => ({
  status: 200,
  body: { data: { data, metadata: { version, created_time: '2026-11-24T00:00:00Z', deletion_time: '', destroyed: false } } },
});
