package io.warren.node.durability;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;

/**
 * A client connection to a test's node whose {@link #close()} cannot hang: the client library's
 * plain close waits for the broker's close-ok without limit, and a broker that is blocked (not
 * reading), stuck or dead may never send one.
 */
public record ClientConnection(Connection connection) implements AutoCloseable {
  private static final int CLOSE_TIMEOUT_MILLIS = 10_000;

  public Channel createChannel() throws IOException {
    return connection.createChannel();
  }

  /** Closes, waiting a bounded time for the broker; errors are ignored (the broker may be gone). */
  @Override
  public void close() {
    connection.abort(CLOSE_TIMEOUT_MILLIS);
  }
}
