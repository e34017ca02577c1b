package io.warren.node.amqp;

import io.warren.model.Arguments;
import java.util.List;

/**
 * One client connection as the management API shows it, copied on the connection's event loop.
 *
 * @param name RabbitMQ's form, {@code "peerhost:peerport -> host:port"}
 * @param state {@code starting}, {@code tuning}, {@code opening}, {@code running}, {@code blocked}
 *     or {@code closing}
 * @param heartbeat negotiated heartbeat in seconds (0 = none)
 * @param connectedAt epoch milliseconds
 */
public record ConnectionInfo(
    long id, String name, String peerHost, int peerPort, String host, int port, String user, String vhost,
    String state, Arguments clientProperties, String authMechanism, int frameMax, int channelMax, int heartbeat,
    long connectedAt, List<ChannelInfo> channels) {

  public ConnectionInfo {
    channels = List.copyOf(channels);
  }

  /**
   * One channel of the connection.
   *
   * @param prefetchCount per-consumer prefetch for new consumers (basic.qos, global=false)
   * @param globalPrefetchCount the channel-wide limit (basic.qos, global=true)
   * @param unacked deliveries the client holds and has not settled
   * @param uncommitted publishes buffered in the open transaction
   */
  public record ChannelInfo(
      int number, boolean confirm, boolean transactional, int prefetchCount, int globalPrefetchCount,
      int consumerCount, int unacked, int uncommitted, MessageCounts counts) {}
}
