package io.warren.node.it.support;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * How long a test waits for something the broker does asynchronously. These are upper bounds
 * for waiting, never assertions about speed: a healthy broker answers in milliseconds.
 */
public final class Waits {
  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  private Waits() {}

  /** Awaitility with the suite's bound and a short poll interval. */
  public static ConditionFactory await() {
    return Awaitility.await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(20)).pollDelay(Duration.ZERO);
  }
}
