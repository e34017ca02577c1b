package io.warren.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of a node process while it commits: every acknowledged command is there exactly once. */
class CrashTest {
  private static final long WAIT_SECONDS = 60;

  @TempDir Path tmp;

  /** One forked node JVM and its protocol lines. */
  private static final class Child implements AutoCloseable {
    final Process process;
    final Writer in;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    Child(Path data, int port) throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      process =
          new ProcessBuilder(
                  java,
                  "-Xmx256m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  CrashNodeMain.class.getName(),
                  data.toString(),
                  Integer.toString(port))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("@")) {
                      lines.add(line);
                    }
                  }
                } catch (IOException ignored) {
                  // the process died: that is the point
                }
              });
      reader.setDaemon(true);
      reader.start();
    }

    void send(String line) throws IOException {
      in.write(line + "\n");
      in.flush();
    }

    String next() throws InterruptedException {
      String line = lines.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(line).as("child answered within " + WAIT_SECONDS + "s").isNotNull();
      return line;
    }

    void kill() throws InterruptedException {
      process.destroyForcibly();
      assertThat(process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  private record Ack(long index, long seq) {}

  @Test
  void acknowledgedCommandsSurviveKillMinusNineExactlyOnce() throws Exception {
    Path data = tmp.resolve("node");
    int port = TestCluster.freePort();
    Map<String, Ack> acked = new HashMap<>();

    try (Child first = new Child(data, port)) {
      assertThat(first.next()).isEqualTo("@ready");
      for (int i = 0; i < 3000; i++) {
        first.send("submit v" + i);
      }
      while (acked.size() < 600) {
        String[] ack = first.next().split(" ");
        acked.put(ack[1], new Ack(Long.parseLong(ack[2]), Long.parseLong(ack[3])));
      }
      first.kill(); // with most of the 3000 still in flight
    }

    try (Child second = new Child(data, port)) {
      assertThat(second.next()).isEqualTo("@ready");
      List<String[]> entries = dump(second);
      Map<String, Long> seqByValue = new HashMap<>();
      long lastIndex = 0;
      for (int i = 0; i < entries.size(); i++) {
        String[] e = entries.get(i);
        long seq = Long.parseLong(e[1]);
        long index = Long.parseLong(e[2]);
        assertThat(seq).isEqualTo(i + 1);
        assertThat(index).isGreaterThan(lastIndex);
        lastIndex = index;
        assertThat(seqByValue.put(e[3], seq)).as("%s applied twice", e[3]).isNull();
      }
      acked.forEach(
          (value, ack) -> {
            assertThat(seqByValue).as("acknowledged %s", value).containsKey(value);
            assertThat(seqByValue.get(value)).isEqualTo(ack.seq());
          });

      // The restarted node goes on numbering where the durable state ended.
      second.send("submit after-crash");
      String[] ack = second.next().split(" ");
      assertThat(ack[1]).isEqualTo("after-crash");
      assertThat(Long.parseLong(ack[3])).isEqualTo(entries.size() + 1);
      second.send("exit");
      assertThat(second.process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static List<String[]> dump(Child child) throws Exception {
    child.send("dump");
    List<String[]> out = new ArrayList<>();
    for (String line; !(line = child.next()).equals("@end"); ) {
      if (line.startsWith("@entry ")) {
        out.add(line.split(" "));
      }
    }
    return out;
  }
}
