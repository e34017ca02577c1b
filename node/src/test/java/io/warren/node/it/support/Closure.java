package io.warren.node.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Method;
import com.rabbitmq.client.ShutdownNotifier;
import com.rabbitmq.client.ShutdownSignalException;

/**
 * How the server closed a channel or a connection, as a user of the client sees it: the scope,
 * the reply code and the reply text of the server's {@code channel.close} /
 * {@code connection.close}. Compare whole values: {@code assertThat(closure).isEqualTo(
 * Closure.channel(404, "NOT_FOUND - no queue 'q' in vhost '/'"))}.
 */
public record Closure(Scope scope, int code, String text) {

  public enum Scope { CHANNEL, CONNECTION }

  /** An action against the broker that is expected to throw. */
  @FunctionalInterface
  public interface Action {
    void run() throws Exception;
  }

  public static Closure channel(int code, String text) {
    return new Closure(Scope.CHANNEL, code, text);
  }

  public static Closure connection(int code, String text) {
    return new Closure(Scope.CONNECTION, code, text);
  }

  /** Runs an action that must fail because the server closed its channel or connection. */
  public static Closure of(Action action) {
    try {
      action.run();
    } catch (Exception e) {
      return of(shutdownSignalIn(e));
    }
    return fail("expected the server to close the channel or connection, but the action succeeded");
  }

  /** Waits until the channel or connection has been closed by the server, and says how. */
  public static Closure awaitClose(ShutdownNotifier notifier) {
    Waits.await().until(() -> !notifier.isOpen());
    return of(notifier.getCloseReason());
  }

  public static Closure of(ShutdownSignalException signal) {
    assertThat(signal.isInitiatedByApplication()).as("closed by the server, not the client: %s", signal).isFalse();
    Method reason = signal.getReason();
    if (reason instanceof AMQP.Channel.Close close) {
      return channel(close.getReplyCode(), close.getReplyText());
    }
    if (reason instanceof AMQP.Connection.Close close) {
      return connection(close.getReplyCode(), close.getReplyText());
    }
    return fail("closed without a close method from the server: %s", signal);
  }

  private static ShutdownSignalException shutdownSignalIn(Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof ShutdownSignalException signal) {
        return signal;
      }
    }
    throw new AssertionError("expected a channel or connection close from the server", thrown);
  }
}
