package io.warren.protocol.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Turns Netty's leak reports into test failures. Surefire runs with paranoid leak detection, so
 * every buffer is tracked; a leaked one is reported once it has been garbage collected and the
 * detector polls again, which {@link #assertNoLeaks()} provokes.
 */
public final class LeakGuard {
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

  static {
    ByteBufUtil.setLeakListener((type, records) -> LEAKS.add(type + ": " + records));
  }

  private LeakGuard() {}

  /** Call before the tests allocate (e.g. in a static initializer) so no report is missed. */
  public static void install() {
    // the static initializer did it
  }

  public static void assertNoLeaks() {
    for (int round = 0; round < 3; round++) {
      System.gc();
      for (int i = 0; i < 200; i++) {
        ByteBuf probe = ByteBufAllocator.DEFAULT.buffer(8);
        probe.release();
      }
    }
    assertThat(LEAKS).as("Netty buffer leaks").isEmpty();
  }
}
