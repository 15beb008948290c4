/**
 * Summaries of a V8 heap snapshot (`.heapsnapshot`) for bench/worker-memory.ts:
 * the heap by node type, and the objects that retain the most (retained size
 * from the dominator tree: what would be freed with the object).
 */
import { readFileSync } from 'node:fs';

interface SnapshotFile {
  snapshot: {
    meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] };
    node_count: number;
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface HeapSummary {
  /** Sum of the self sizes of the reachable nodes (what the heap holds). */
  totalBytes: number;
  nodes: number;
  byType: Array<{ type: string; bytes: number; count: number }>;
  /** Self size by constructor (objects, natives) or `function` / `(type)`, as DevTools' summary groups them. */
  byConstructor: Array<{ label: string; bytes: number; count: number }>;
  /** The largest retainers below the roots, whose retained size is not mostly a single child's. */
  topRetainers: Array<{ label: string; retainedBytes: number }>;
}

/** `(type) name` as the DevTools summary would group the node. */
function label(type: string, name: string): string {
  const short = name.length > 70 ? `${name.slice(0, 67)}...` : name;
  if (type === 'object' || type === 'native') return short || `(${type})`;
  if (type === 'closure') return `function ${short || '(anonymous)'}`;
  return `(${type}) ${short}`.trim();
}

export function summariseHeapSnapshot(file: string, top = 12): HeapSummary {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as SnapshotFile;
  const { meta } = snap.snapshot;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const [nodeTypes] = meta.node_types;
  const [edgeTypes] = meta.edge_types;
  const iType = meta.node_fields.indexOf('type');
  const iName = meta.node_fields.indexOf('name');
  const iSelf = meta.node_fields.indexOf('self_size');
  const iEdges = meta.node_fields.indexOf('edge_count');
  const eType = meta.edge_fields.indexOf('type');
  const eTo = meta.edge_fields.indexOf('to_node');
  const weak = edgeTypes.indexOf('weak');
  const { nodes, edges, strings } = snap;
  const n = nodes.length / nf;

  const firstEdge = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) firstEdge[i + 1] = (firstEdge[i] as number) + (nodes[i * nf + iEdges] as number) * ef;
  const targets = (i: number, visit: (to: number) => void): void => {
    for (let e = firstEdge[i] as number; e < (firstEdge[i + 1] as number); e += ef) {
      if (edges[e + eType] === weak) continue;
      visit((edges[e + eTo] as number) / nf);
    }
  };

  // Depth-first post-order from the root (node 0), iteratively.
  const order = new Int32Array(n).fill(-1);
  const post: number[] = [];
  const stack: Array<[number, number]> = [[0, firstEdge[0] as number]];
  order[0] = 0;
  while (stack.length) {
    const frame = stack[stack.length - 1] as [number, number];
    const [v, e] = frame;
    if (e >= (firstEdge[v + 1] as number)) {
      stack.pop();
      order[v] = post.length;
      post.push(v);
      continue;
    }
    frame[1] = e + ef;
    if (edges[e + eType] === weak) continue;
    const to = (edges[e + eTo] as number) / nf;
    if (order[to] === -1) {
      order[to] = 0;
      stack.push([to, firstEdge[to] as number]);
    }
  }
  const reachable = post.length;
  const po = new Int32Array(n).fill(-1);
  post.forEach((v, k) => (po[v] = k));

  // Predecessors among reachable nodes, then immediate dominators (Cooper, Harvey, Kennedy).
  const predCount = new Int32Array(n + 1);
  for (const v of post) targets(v, (to) => void (predCount[to + 1] = (predCount[to + 1] as number) + 1));
  for (let i = 0; i < n; i++) predCount[i + 1] = (predCount[i + 1] as number) + (predCount[i] as number);
  const preds = new Int32Array(predCount[n] as number);
  const fill = predCount.slice();
  for (const v of post)
    targets(v, (to) => {
      preds[fill[to] as number] = v;
      fill[to] = (fill[to] as number) + 1;
    });
  const idom = new Int32Array(n).fill(-1);
  const root = 0;
  idom[root] = root;
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while ((po[a] as number) < (po[b] as number)) a = idom[a] as number;
      while ((po[b] as number) < (po[a] as number)) b = idom[b] as number;
    }
    return a;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (let k = reachable - 2; k >= 0; k--) {
      const v = post[k] as number;
      let d = -1;
      for (let p = predCount[v] as number; p < (predCount[v + 1] as number); p++) {
        const u = preds[p] as number;
        if (idom[u] === -1) continue;
        d = d === -1 ? u : intersect(u, d);
      }
      if (d !== -1 && idom[v] !== d) {
        idom[v] = d;
        changed = true;
      }
    }
  }

  const retained = new Float64Array(n);
  for (const v of post) retained[v] = nodes[v * nf + iSelf] as number;
  for (const v of post)
    if (v !== root) retained[idom[v] as number] = (retained[idom[v] as number] as number) + (retained[v] as number);

  const byType = new Map<string, { bytes: number; count: number }>();
  const byConstructor = new Map<string, { bytes: number; count: number }>();
  const add = (map: Map<string, { bytes: number; count: number }>, key: string, bytes: number): void => {
    const t = map.get(key) ?? { bytes: 0, count: 0 };
    t.bytes += bytes;
    t.count++;
    map.set(key, t);
  };
  let totalBytes = 0;
  for (const v of post) {
    const type = nodeTypes[nodes[v * nf + iType] as number] ?? '?';
    const self = nodes[v * nf + iSelf] as number;
    totalBytes += self;
    add(byType, type, self);
    const name = strings[nodes[v * nf + iName] as number] ?? '';
    add(
      byConstructor,
      type === 'object' || type === 'native' ? name : type === 'closure' ? 'function' : `(${type})`,
      self,
    );
  }

  // Retainers: objects (not synthetic roots) whose largest dominated child holds less than 80% of them,
  // so a chain of wrappers around one big thing is listed once, at the thing.
  const largestChild = new Float64Array(n);
  for (const v of post) {
    if (v === root) continue;
    const d = idom[v] as number;
    if ((retained[v] as number) > (largestChild[d] as number)) largestChild[d] = retained[v] as number;
  }
  const candidates: Array<{ label: string; retainedBytes: number }> = [];
  for (const v of post) {
    const type = nodeTypes[nodes[v * nf + iType] as number] ?? '?';
    if (type === 'synthetic' || v === root) continue;
    const r = retained[v] as number;
    if (r < 64 * 1024 || (largestChild[v] as number) > 0.8 * r) continue;
    candidates.push({ label: label(type, strings[nodes[v * nf + iName] as number] ?? ''), retainedBytes: r });
  }
  candidates.sort((a, b) => b.retainedBytes - a.retainedBytes);
  return {
    totalBytes,
    nodes: reachable,
    byType: [...byType.entries()].map(([type, t]) => ({ type, ...t })).sort((a, b) => b.bytes - a.bytes),
    byConstructor: [...byConstructor.entries()]
      .map(([name, t]) => ({ label: name, ...t }))
      .sort((a, b) => b.bytes - a.bytes),
    topRetainers: candidates.slice(0, top),
  };
}
