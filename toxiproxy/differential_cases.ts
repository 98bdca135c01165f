/**
 * The API calls the differential test makes against our server and the real
 * Toxiproxy: every endpoint, every toxic with edge values (zero, negative,
 * huge, fractional, wrong types), toxicity outside [0, 1], duplicate names,
 * bad JSON, unknown fields, missing proxies and toxics, odd paths. Each case
 * starts from a server with no proxies; listens are `127.0.0.1:0` or left
 * unbound, so no fixed port is ever used.
 * @module
 */

/** One HTTP call; `body` is sent as given (a string) or as JSON. */
export interface Call {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A named sequence of calls, compared answer by answer. */
export interface DifferentialCase {
  readonly name: string;
  readonly calls: readonly Call[];
}

const TOXIC_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  latency: ["latency", "jitter"],
  bandwidth: ["rate"],
  slow_close: ["delay"],
  timeout: ["timeout"],
  reset_peer: ["timeout"],
  slicer: ["average_size", "size_variation", "delay"],
  limit_data: ["bytes"],
  noop: [],
};

/** An unbound proxy `p` to hang toxics on (created disabled: no socket needed). */
const PROXY_P: Call = {
  method: "POST",
  path: "/proxies",
  body: { name: "p", listen: "127.0.0.1:0", upstream: "127.0.0.1:1", enabled: false },
};

const addToxic = (body: unknown): Call => ({ method: "POST", path: "/proxies/p/toxics", body });
const get = (path: string): Call => ({ method: "GET", path });

/** Integer edge values every attribute is tried with. */
const EDGE_INTEGERS = [0, -1, 1, 2147483647, 2147483648, -2147483649, 9007199254740991];

/** Values no integer attribute may take. */
const NOT_INTEGERS: readonly string[] = ["1.5", '"100"', "true", "null", "1e3", "[]", "{}"];

function toxicCases(): DifferentialCase[] {
  const cases: DifferentialCase[] = [];
  for (const [type, names] of Object.entries(TOXIC_ATTRIBUTES)) {
    cases.push({
      name: `${type}: no attributes, then read back`,
      calls: [PROXY_P, addToxic({ type }), get("/proxies/p/toxics"), get("/proxies/p")],
    });
    for (const name of names) {
      cases.push({
        name: `${type}: ${name} at integer edges`,
        calls: [
          PROXY_P,
          ...EDGE_INTEGERS.map((value, i) =>
            addToxic({ name: `t${i}`, type, attributes: { [name]: value } })
          ),
          get("/proxies/p/toxics"),
        ],
      });
      cases.push({
        name: `${type}: ${name} not an integer`,
        calls: [
          PROXY_P,
          ...NOT_INTEGERS.map((text, i) =>
            addToxic(`{"name":"t${i}","type":"${type}","attributes":{"${name}":${text}}}`)
          ),
          get("/proxies/p/toxics"),
        ],
      });
    }
  }
  return cases;
}

const SLICER_EDGES: readonly [number, number][] = [
  [0, 0],
  [1, 0],
  [1, 1],
  [10, 10],
  [10, 11],
  [10, -1],
  [-5, 0],
  [64, 32],
];

const CASES: readonly DifferentialCase[] = [
  { name: "version", calls: [get("/version")] },
  { name: "empty proxy list", calls: [get("/proxies")] },
  {
    name: "create, read, list, delete, delete again",
    calls: [
      {
        method: "POST",
        path: "/proxies",
        body: { name: "a", listen: "127.0.0.1:0", upstream: "127.0.0.1:1" },
      },
      get("/proxies/a"),
      get("/proxies"),
      { method: "DELETE", path: "/proxies/a" },
      { method: "DELETE", path: "/proxies/a" },
      get("/proxies/a"),
    ],
  },
  {
    name: "create disabled keeps the raw listen; enable and disable",
    calls: [
      {
        method: "POST",
        path: "/proxies",
        body: { name: "d", listen: "localhost:0", upstream: "somehost:5", enabled: false },
      },
      { method: "POST", path: "/proxies/d", body: { enabled: true } },
      { method: "PATCH", path: "/proxies/d", body: { enabled: false } },
      { method: "POST", path: "/proxies/d", body: {} },
    ],
  },
  {
    name: "create: missing or blank name and upstream",
    calls: [
      { method: "POST", path: "/proxies", body: { upstream: "x:1" } },
      { method: "POST", path: "/proxies", body: { name: "", upstream: "x:1" } },
      { method: "POST", path: "/proxies", body: { name: "n" } },
      { method: "POST", path: "/proxies", body: { name: "n", upstream: "" } },
    ],
  },
  {
    name: "create: duplicate name",
    calls: [PROXY_P, PROXY_P, { ...PROXY_P, body: { name: "p", upstream: "other:2" } }],
  },
  {
    name: "create: bad JSON bodies",
    calls: [
      "",
      "{",
      '{"name":}',
      '{"name":"a",}',
      "nul",
      "[]",
      '"text"',
      "42",
      "null",
      '{"name":1,"upstream":"x:1"}',
      '{"name":"a","upstream":"x:1","enabled":"yes"}',
      '{"name":"a","upstream":["x"]}',
      "\u00ff",
    ].map((body) => ({ method: "POST", path: "/proxies", body })),
  },
  {
    name: "create: unknown fields, case-insensitive keys, trailing data",
    calls: [
      {
        method: "POST",
        path: "/proxies",
        body: '{"NAME":"a","Upstream":"x:1","enabled":false,"toxics":[1],"bogus":{"x":1}}',
      },
      {
        method: "POST",
        path: "/proxies",
        body: '{"name":"b","upstream":"x:1","enabled":false} trailing {garbage',
      },
      get("/proxies"),
    ],
  },
  {
    name: "create: names with spaces, unicode and HTML characters",
    calls: [
      {
        method: "POST",
        path: "/proxies",
        body: { name: "a b<&>é\u2028", upstream: "x:1", enabled: false },
      },
      get("/proxies"),
      get("/proxies/a%20b%3C%26%3E%C3%A9%E2%80%A8"),
    ],
  },
  {
    name: "create: listen addresses Go refuses",
    calls: ["local373", "127.0.0.1:99999", "127.0.0.1:-1", "256.1.1.1:0", "[::1:0"].map((
      listen,
      i,
    ) => ({ method: "POST", path: "/proxies", body: { name: `l${i}`, listen, upstream: "x:1" } })),
  },
  {
    name: "missing proxy on every route",
    calls: [
      get("/proxies/none"),
      { method: "POST", path: "/proxies/none", body: {} },
      { method: "PATCH", path: "/proxies/none", body: {} },
      { method: "DELETE", path: "/proxies/none" },
      get("/proxies/none/toxics"),
      { method: "POST", path: "/proxies/none/toxics", body: { type: "latency" } },
      { method: "POST", path: "/proxies/none/toxics", body: "{" },
      get("/proxies/none/toxics/t"),
      { method: "PATCH", path: "/proxies/none/toxics/t", body: {} },
      { method: "DELETE", path: "/proxies/none/toxics/t" },
    ],
  },
  {
    name: "update proxy: empty body, wrong types, null",
    calls: [
      PROXY_P,
      { method: "POST", path: "/proxies/p", body: "" },
      { method: "POST", path: "/proxies/p", body: "null" },
      { method: "POST", path: "/proxies/p", body: '{"enabled":1}' },
      { method: "POST", path: "/proxies/p", body: '{"name":"renamed","upstream":"y:2"}' },
      get("/proxies"),
    ],
  },
  {
    name: "toxic: stream values",
    calls: [
      PROXY_P,
      ...["upstream", "DownStream", "UPSTREAM", "", "walrus", null].map((stream, i) =>
        addToxic({ name: `s${i}`, type: "noop", stream })
      ),
      get("/proxies/p/toxics"),
    ],
  },
  {
    name: "toxic: types",
    calls: [
      PROXY_P,
      ...["down", "LATENCY", "", "nope", 1, null].map((type, i) =>
        addToxic({ name: `y${i}`, type })
      ),
      addToxic({ name: "z" }),
    ],
  },
  {
    name: "toxic: toxicity values",
    calls: [
      PROXY_P,
      ...["0", "-1", "1.5", "2.5", "0.2", "0.1", "1e-50", "1e39", '"1"', "true", "null", "3"]
        .map((value, i) => addToxic(`{"name":"x${i}","type":"noop","toxicity":${value}}`)),
      get("/proxies/p/toxics"),
    ],
  },
  {
    name: "toxic: duplicate names across streams; default names",
    calls: [
      PROXY_P,
      addToxic({ name: "dup", type: "latency" }),
      addToxic({ name: "dup", type: "noop" }),
      addToxic({ name: "dup", type: "latency", stream: "upstream" }),
      addToxic({ type: "latency" }),
      addToxic({ type: "latency", stream: "upstream" }),
      addToxic({ type: "latency" }),
      addToxic({ type: "latency", stream: "UpStream" }),
      get("/proxies/p/toxics"),
    ],
  },
  {
    name: "toxic: bodies of the wrong shape",
    calls: [
      PROXY_P,
      ...["", "{", "[]", '"x"', "null", '{"type":"latency","attributes":[]}'].map(addToxic),
      addToxic('{"type":"latency","attributes":"x"}'),
      addToxic('{"type":"latency","attributes":null}'),
      addToxic('{"type":"latency","attributes":{"latency":5,"bogus":"x"},"extra":[1]}'),
      addToxic('{"Type":"noop","NAME":"ci","Stream":"upstream","TOXICITY":0.5}'),
      get("/proxies/p/toxics"),
    ],
  },
  {
    name: "slicer: average and variation edges",
    calls: [
      PROXY_P,
      ...SLICER_EDGES.map(([average_size, size_variation], i) =>
        addToxic({ name: `sl${i}`, type: "slicer", attributes: { average_size, size_variation } })
      ),
      get("/proxies/p/toxics"),
    ],
  },
  {
    name: "toxic update: merge, toxicity, ignored fields, bad bodies, missing toxic",
    calls: [
      PROXY_P,
      addToxic({ name: "l", type: "latency", attributes: { latency: 100, jitter: 10 } }),
      { method: "PATCH", path: "/proxies/p/toxics/l", body: { attributes: { latency: 5 } } },
      { method: "POST", path: "/proxies/p/toxics/l", body: { toxicity: 2 } },
      {
        method: "PATCH",
        path: "/proxies/p/toxics/l",
        body: { name: "other", type: "noop", stream: "upstream", toxicity: -3 },
      },
      { method: "PATCH", path: "/proxies/p/toxics/l", body: "" },
      { method: "PATCH", path: "/proxies/p/toxics/l", body: '{"attributes":{"latency":1.5}}' },
      { method: "PATCH", path: "/proxies/p/toxics/l", body: '{"type":5}' },
      { method: "PATCH", path: "/proxies/p/toxics/l", body: '{"toxicity":"x"}' },
      { method: "PATCH", path: "/proxies/p/toxics/l", body: '{"attributes":[]}' },
      { method: "PATCH", path: "/proxies/p/toxics/l", body: '{"attributes":{"jitter":"x"}}' },
      { method: "PATCH", path: "/proxies/p/toxics/l", body: "[]" },
      { method: "PATCH", path: "/proxies/p/toxics/l", body: "null" },
      { method: "PATCH", path: "/proxies/p/toxics/l", body: '{"attributes":{"latency":-7}}' },
      { method: "PATCH", path: "/proxies/p/toxics/none", body: {} },
      get("/proxies/p/toxics/l"),
      { method: "DELETE", path: "/proxies/p/toxics/l" },
      { method: "DELETE", path: "/proxies/p/toxics/l" },
    ],
  },
  {
    name: "slicer update to variation equal to average",
    calls: [
      PROXY_P,
      addToxic({ name: "s", type: "slicer", attributes: { average_size: 10, size_variation: 5 } }),
      {
        method: "PATCH",
        path: "/proxies/p/toxics/s",
        body: { attributes: { size_variation: 10 } },
      },
      { method: "PATCH", path: "/proxies/p/toxics/s", body: { attributes: { average_size: 0 } } },
      get("/proxies/p/toxics/s"),
    ],
  },
  {
    name: "populate: shapes and errors",
    calls: [
      ...[
        "[]",
        "null",
        "{}",
        '"x"',
        "",
        "[1]",
        '[{"name":"a"}]',
        '[{"name":1}]',
        '[{"name":"a","upstream":"x:1","enabled":"x"}]',
        "[null]",
      ].map((body) => ({
        method: "POST",
        path: "/populate",
        body,
      })),
      {
        method: "POST",
        path: "/populate",
        body: [{ name: "a", upstream: "x:1", enabled: false }, { upstream: "x:2" }],
      },
      get("/proxies"),
      {
        method: "POST",
        path: "/populate",
        body: [
          { name: "a", upstream: "x:1", enabled: false },
          { name: "b", upstream: "x:2", enabled: false },
          { name: "a", upstream: "x:3", enabled: false },
        ],
      },
      get("/proxies"),
    ],
  },
  {
    name: "populate stops at a listen it cannot resolve",
    calls: [
      {
        method: "POST",
        path: "/populate",
        body: [
          { name: "one", listen: "127.0.0.1:0", upstream: "x:1" },
          { name: "two", listen: "local373", upstream: "x:2" },
          { name: "three", listen: "127.0.0.1:0", upstream: "x:3" },
        ],
      },
      get("/proxies"),
    ],
  },
  {
    name: "reset re-enables and removes toxics",
    calls: [
      PROXY_P,
      addToxic({ type: "latency" }),
      { method: "POST", path: "/reset", body: "ignored" },
      get("/proxies/p/toxics"),
      { method: "GET", path: "/reset" },
    ],
  },
  {
    name: "paths and methods",
    calls: [
      get("/"),
      get("/proxies/"),
      get("//proxies"),
      get("/proxies//toxics"),
      get("/metrics"),
      { method: "PUT", path: "/proxies" },
      { method: "DELETE", path: "/version" },
      { method: "HEAD", path: "/proxies" },
      { method: "PATCH", path: "/proxies" },
      get("/nope/nope"),
      get("/version?x=1"),
      get("/proxies//toxics?x=1"),
      get("/proxies/a%2Fb"),
    ],
  },
  {
    name: "user agents",
    calls: [
      { method: "GET", path: "/proxies", headers: { "user-agent": "Mozilla/5.0 (X11)" } },
      { method: "GET", path: "/nope", headers: { "user-agent": "Mozilla/5.0 (X11)" } },
      { method: "PUT", path: "/proxies", headers: { "user-agent": "Mozilla/5.0 (X11)" } },
      { method: "GET", path: "/proxies", headers: { "user-agent": "Wget/2.1" } },
    ],
  },
  {
    name: "update with a bad value after good ones",
    calls: [
      PROXY_P,
      addToxic({ name: "l", type: "latency", attributes: { latency: 1, jitter: 1 } }),
      {
        method: "PATCH",
        path: "/proxies/p/toxics/l",
        body: '{"toxicity":0.5,"attributes":{"latency":7,"jitter":"x"}}',
      },
      get("/proxies/p/toxics/l"),
      { method: "POST", path: "/proxies/p", body: '{"upstream":"changed:9","enabled":"x"}' },
      get("/proxies/p"),
    ],
  },
  {
    name: "integers beyond 2^53",
    calls: [
      PROXY_P,
      addToxic('{"name":"big","type":"latency","attributes":{"latency":9007199254740993}}'),
      addToxic('{"name":"max","type":"latency","attributes":{"latency":9223372036854775807}}'),
      addToxic('{"name":"over","type":"latency","attributes":{"latency":9223372036854775808}}'),
    ],
  },
  {
    name: "JSON nested deeper than 1000 levels",
    calls: [{
      method: "POST",
      path: "/proxies",
      body: `{"name":"deep","upstream":"x:1","enabled":false,"x":${"[".repeat(1500)}${
        "]".repeat(1500)
      }}`,
    }],
  },
  {
    name: "a body over 1 MiB",
    calls: [{
      method: "POST",
      path: "/proxies",
      body: `{"name":"big","upstream":"x:1","enabled":false}${" ".repeat(1024 * 1024)}`,
    }],
  },
  ...toxicCases(),
];

/** Every case, in the order they run. */
export function differentialCases(): readonly DifferentialCase[] {
  return CASES;
}
