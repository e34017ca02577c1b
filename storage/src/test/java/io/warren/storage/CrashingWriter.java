package io.warren.storage;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link StoreCrashTest}: writes batches that span three families until it is
 * killed, printing how many are written (each line is printed only after its batch returned). A
 * second argument names the {@link StoreOptions.WriteLog} mode (default WRITTEN).
 */
public final class CrashingWriter {
  static final long TOTAL = 1_000_000;
  static final StoreOptions OPTIONS =
      StoreOptions.of("meta", "queue-index", "bodies").withLargeValues("bodies");

  private CrashingWriter() {}

  public static void main(String[] args) {
    byte[] body = new byte[8192];
    StoreOptions.WriteLog mode = args.length > 1 ? StoreOptions.WriteLog.valueOf(args[1]) : StoreOptions.WriteLog.WRITTEN;
    try (Store store = Stores.open(Path.of(args[0]), OPTIONS.withWriteLog(mode));
        StoreBatch batch = store.newBatch()) {
      for (long i = 1; ; i++) {
        batch.clear();
        batch.put("meta", Keys.ofString("a"), Keys.ofLong(TOTAL - i));
        batch.put("queue-index", Keys.ofString("b"), Keys.ofLong(i));
        batch.put("bodies", Keys.ofLong(i), body);
        store.write(batch);
        if (i % 200 == 0) {
          System.out.println("wrote " + i);
          System.out.flush();
        }
      }
    }
  }
}
