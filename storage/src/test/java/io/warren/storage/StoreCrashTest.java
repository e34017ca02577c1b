package io.warren.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 in the middle of writing: every batch is there whole or not at all, none acknowledged is lost. */
class StoreCrashTest {
  @TempDir Path tmp;

  @Test
  void batchesSurviveKillMinusNineWholeOrNotAtAll() throws Exception {
    Path dir = tmp.resolve("db");
    long acknowledged = writeUntilKilled(dir, StoreOptions.WriteLog.WRITTEN, 3000);
    try (Store store = Stores.open(dir, CrashingWriter.OPTIONS)) {
      long b = assertWholeBatches(store);
      assertThat(b).isGreaterThanOrEqualTo(acknowledged);
    }
    assertThat(new File(dir.toFile(), "LOCK")).exists();
  }

  /**
   * Without a write-ahead log the writes since the last flush are gone after a crash (the Raft log
   * above replays them), but what is there is still a prefix of whole batches across all families.
   */
  @Test
  void withoutWriteLogACrashFallsBackToTheLastFlushWhole() throws Exception {
    Path dir = tmp.resolve("db");
    // 80 MB of batches fill several 16 MB memtables, so some were flushed before the kill.
    writeUntilKilled(dir, StoreOptions.WriteLog.NONE, 10_000);
    try (Store store = Stores.open(dir, CrashingWriter.OPTIONS.withWriteLog(StoreOptions.WriteLog.NONE))) {
      assertThat(assertWholeBatches(store)).as("batches kept from flushed memtables").isPositive();
    }
  }

  /** The number of batches the store holds, after checking they are all whole. */
  private static long assertWholeBatches(Store store) {
    long a = valueOf(store.get("meta", Keys.ofString("a")));
    long b = valueOf(store.get("queue-index", Keys.ofString("b")));
    long bodies = store.scan("bodies", KeyRange.all(), Integer.MAX_VALUE).size();
    // a counts down as b counts up, in one batch with the body: a torn batch breaks a sum or count.
    assertThat(a == 0 && b == 0 || a + b == CrashingWriter.TOTAL).as("a=%d b=%d", a, b).isTrue();
    assertThat(bodies).isEqualTo(b);
    return b;
  }

  private static long valueOf(byte[] stored) {
    return stored == null ? 0 : Keys.getLong(stored, 0);
  }

  private long writeUntilKilled(Path dir, StoreOptions.WriteLog mode, long batches) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java, "-cp", System.getProperty("java.class.path"), CrashingWriter.class.getName(),
                dir.toString(), mode.name())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    long acknowledged = 0;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; acknowledged < batches && (line = out.readLine()) != null; ) {
        acknowledged = Long.parseLong(line.substring("wrote ".length()));
      }
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(acknowledged).as("child made progress before the kill").isGreaterThanOrEqualTo(batches);
    return acknowledged;
  }
}
