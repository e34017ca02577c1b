package io.warren.raft;

import io.warren.storage.Keys;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A one-node cluster in its own JVM, driven by {@link CrashTest} over stdin/stdout. Protocol lines
 * start with '@' (everything else on stdout is logging):
 *
 * <pre>
 * in:  submit VALUE      out: @ack VALUE INDEX SEQ   (once committed and applied)
 * in:  dump              out: @entry SEQ INDEX VALUE ... then @end
 * in:  exit              (clean shutdown)
 * out: @ready            (once the group accepts commands)
 * </pre>
 */
public final class CrashNodeMain {
  static final String GROUP = "crash";

  private CrashNodeMain() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    int port = Integer.parseInt(args[1]);
    RaftSettings settings = TestCluster.testSettings().snapshotThreshold(400).purge(100, 0).build();
    RaftNodeConfig config =
        new RaftNodeConfig("n1", Map.of("n1", "127.0.0.1:" + port), data, null, settings);
    CounterMachine[] machine = new CounterMachine[1];
    PrintStream out = System.out;
    try (RaftNode node =
        RaftNode.start(
            config,
            group -> {
              machine[0] = new CounterMachine();
              return machine[0];
            })) {
      node.ensureGroup(new GroupSpec(GROUP, List.of("n1"))).join();
      node.barrier(GROUP).join();
      say(out, "@ready");
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        if (line.startsWith("submit ")) {
          String value = line.substring("submit ".length());
          node.submit(GROUP, value.getBytes(StandardCharsets.UTF_8))
              .thenAccept(
                  r ->
                      say(out, "@ack " + value + " " + r.index() + " " + Keys.getLong(r.reply(), 0)));
        } else if (line.equals("dump")) {
          node.barrier(GROUP).join();
          StringBuilder sb = new StringBuilder();
          for (CounterMachine.Entry e : machine[0].entries()) {
            sb.append("@entry ").append(e.seq()).append(' ').append(e.index()).append(' ')
                .append(e.command()).append('\n');
          }
          sb.append("@end");
          say(out, sb.toString());
        } else if (line.equals("exit")) {
          break;
        }
      }
    }
  }

  private static void say(PrintStream out, String text) {
    synchronized (out) {
      out.println(text);
      out.flush();
    }
  }
}
