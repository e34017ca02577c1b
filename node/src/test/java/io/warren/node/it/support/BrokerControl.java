package io.warren.node.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.node.WarrenNode;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * What an operator does to a running broker. Only one action so far: moving the memory high
 * watermark, which is how a test raises and clears a memory alarm.
 */
public interface BrokerControl {

  /** System property naming the {@code rabbitmqctl} command (with its {@code -n node}) of an external RabbitMQ. */
  String RABBITMQCTL_PROPERTY = "warren.it.rabbitmqctl";

  /** RabbitMQ's and Warren's default watermark (fraction of memory), restored after an alarm test. */
  double DEFAULT_MEMORY_HIGH_WATERMARK = 0.4;

  void setMemoryHighWatermark(double fraction);

  /**
   * For an embedded node: Warren's runtime hook {@code WarrenNode#setMemoryHighWatermark(double)}.
   * Looked up by name so the suite compiles before the hook exists; until then the test is skipped.
   */
  static BrokerControl embedded(WarrenNode node) {
    Method hook;
    try {
      hook = node.getClass().getMethod("setMemoryHighWatermark", double.class);
    } catch (NoSuchMethodException e) {
      hook = null;
    }
    Method found = hook;
    return fraction -> {
      Assumptions.assumeTrue(found != null, "embedded Warren has no runtime hook to move the memory"
          + " watermark yet: needs public WarrenNode#setMemoryHighWatermark(double), the equivalent of"
          + " 'rabbitmqctl set_vm_memory_high_watermark'");
      try {
        found.invoke(node, fraction);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException("WarrenNode#setMemoryHighWatermark failed", e);
      }
    };
  }

  /** For an external RabbitMQ: runs {@code rabbitmqctl set_vm_memory_high_watermark}. */
  static BrokerControl external() {
    String command = System.getProperty(RABBITMQCTL_PROPERTY);
    return fraction -> {
      Assumptions.assumeTrue(command != null, "external broker: pass -D" + RABBITMQCTL_PROPERTY
          + "=<rabbitmqctl command with -n node> so the test can raise a memory alarm");
      List<String> argv = new ArrayList<>(List.of(command.trim().split("\\s+")));
      argv.add("set_vm_memory_high_watermark");
      argv.add(String.format(Locale.ROOT, "%.10f", fraction));
      run(argv);
    };
  }

  private static void run(List<String> argv) {
    try {
      Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      boolean done = process.waitFor(Waits.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertThat(done).as("%s finished", argv).isTrue();
      assertThat(process.exitValue()).as("%s exit code; output: %s", argv, output).isZero();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + argv, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + argv, e);
    }
  }
}
