// A binary min-heap ordered by a number, for the delaying queue's ready times.

export class MinHeap<V> {
  private readonly items: { at: number; value: V }[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): { at: number; value: V } | undefined {
    return this.items[0];
  }

  push(at: number, value: V): void {
    const a = this.items;
    a.push({ at, value });
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p];
      const cur = a[i];
      if (!parent || !cur || parent.at <= cur.at) break;
      a[p] = cur;
      a[i] = parent;
      i = p;
    }
  }

  pop(): { at: number; value: V } | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || !last) return top;
    a[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      const am = a[m];
      const al = a[l];
      const ar = a[r];
      if (al && am && al.at < am.at) m = l;
      const best = a[m];
      if (ar && best && ar.at < best.at) m = r;
      if (m === i) break;
      const x = a[i];
      const y = a[m];
      if (!x || !y) break;
      a[i] = y;
      a[m] = x;
      i = m;
    }
    return top;
  }

  clear(): void {
    this.items.length = 0;
  }
}
