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
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java, "-cp", System.getProperty("java.class.path"), CrashingWriter.class.getName(),
                dir.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    long acknowledged = 0;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; acknowledged < 3000 && (line = out.readLine()) != null; ) {
        acknowledged = Long.parseLong(line.substring("wrote ".length()));
      }
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(acknowledged).as("child made progress before the kill").isGreaterThanOrEqualTo(3000);

    try (Store store = Stores.open(dir, CrashingWriter.OPTIONS)) {
      long a = Keys.getLong(store.get("meta", Keys.ofString("a")), 0);
      long b = Keys.getLong(store.get("queue-index", Keys.ofString("b")), 0);
      long bodies = store.scan("bodies", KeyRange.all(), Integer.MAX_VALUE).size();
      assertThat(a + b).isEqualTo(CrashingWriter.TOTAL);
      assertThat(bodies).isEqualTo(b);
      assertThat(b).isGreaterThanOrEqualTo(acknowledged);
    }
    assertThat(new File(dir.toFile(), "LOCK")).exists();
  }
}
