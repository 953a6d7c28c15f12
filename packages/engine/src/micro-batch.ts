interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

export interface MicroBatchOptions {
  maxSize?: number;
  maxInFlight?: number;
  /**
   * A batch that fails with such an error goes out again one item at a time,
   * so that the item at fault fails alone and the others carry on.
   */
  splitOn?: (error: unknown) => boolean;
}

/**
 * Coalesces concurrent calls into batches: everything submitted in the same
 * turn of the event loop, plus whatever arrives while earlier batches are in
 * flight, goes out together. Idle, a lone item leaves at once (no timer);
 * busy, batches grow by themselves. Each caller gets its own item's result.
 */
export class MicroBatch<I, O> {
  private pending: Pending<I, O>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly maxSize: number;
  private readonly maxInFlight: number;
  private readonly splitOn: (error: unknown) => boolean;

  constructor(
    private readonly flush: (items: I[]) => Promise<O[]>,
    options: MicroBatchOptions = {},
  ) {
    this.maxSize = options.maxSize ?? 500;
    this.maxInFlight = options.maxInFlight ?? 2;
    this.splitOn = options.splitOn ?? (() => false);
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.drain();
        });
      }
    });
  }

  private drain(): void {
    while (this.pending.length > 0 && this.inFlight < this.maxInFlight) {
      const batch = this.pending.splice(0, this.maxSize);
      this.inFlight += 1;
      void this.send(batch).finally(() => {
        this.inFlight -= 1;
        this.drain();
      });
    }
  }

  private async send(batch: Pending<I, O>[]): Promise<void> {
    try {
      const results = await this.flush(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i] as O));
    } catch (error) {
      if (batch.length > 1 && this.splitOn(error)) {
        await Promise.all(batch.map((p) => this.send([p])));
      } else {
        batch.forEach((p) => p.reject(error));
      }
    }
  }
}
