package io.warren.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.node.config.WarrenConfig;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.Closure;
import io.warren.node.it.support.RawAmqpPeer;
import io.warren.node.it.support.RawAmqpPeer.Args;
import io.warren.node.it.support.RawAmqpPeer.Tuning;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the official client never sends: wrong protocol headers, methods in the wrong place,
 * more channels or bigger frames than negotiated. Each must end only the offending connection,
 * with the reply code RabbitMQ uses.
 */
class WireProtocolTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  private static final Tuning ORDINARY = new Tuning(2047, 131072, 0);

  static Stream<Arguments> wrongHeaders() {
    return Stream.of(
        Arguments.of("AMQP 0-10", new byte[] {'A', 'M', 'Q', 'P', 1, 1, 0, 10}),
        Arguments.of("AMQP 0-9 without revision", new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 0}),
        Arguments.of("unknown AMQP version", new byte[] {'A', 'M', 'Q', 'P', 0, 0, 10, 0}),
        Arguments.of("HTTP", "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrongHeaders")
  void wrongProtocolHeaderIsAnsweredWithTheServersHeaderThenClosed(String name, byte[] header) throws Exception {
    try (RawAmqpPeer peer = RawAmqpPeer.connect(broker)) {
      peer.send(header);

      assertThat(peer.readUpTo(8)).isEqualTo(RawAmqpPeer.PROTOCOL_HEADER);
      assertThat(peer.awaitSocketClosedByServer()).isTrue();
    }
  }

  @Test
  void serverProposesRabbitMqsDefaultLimits() throws Exception {
    try (RawAmqpPeer peer = RawAmqpPeer.connect(broker)) {
      // Warren's defaults are RabbitMQ's
      assertThat(peer.authenticate(broker)).isEqualTo(new Tuning(WarrenConfig.CHANNEL_MAX.defaultValue(),
          WarrenConfig.FRAME_MAX.defaultValue(), WarrenConfig.HEARTBEAT.defaultValue()));
    }
  }

  @ParameterizedTest(name = "channel-max {0}, frame-max {1}")
  @CsvSource({
      "0,    131072", // 0 means "no limit", which is more than the server offered
      "4000, 131072",
      "2047, 200000",
      "2047, 1000", // below the 4096 minimum frame size
  })
  void tuneOkOutsideTheServersOfferEndsTheConnection(int channelMax, int frameMax) throws Exception {
    try (RawAmqpPeer peer = RawAmqpPeer.connect(broker)) {
      peer.authenticate(broker);

      peer.sendTuneOk(new Tuning(channelMax, frameMax, 0));

      // RabbitMQ closes the socket without a connection.close (the connection is not open yet)
      assertThat(peer.awaitSocketClosedByServer()).isTrue();
    }
  }

  @Test
  void nonConnectionMethodOnChannelZeroIsAConnectionError() throws Exception {
    try (RawAmqpPeer peer = RawAmqpPeer.open(broker, ORDINARY)) {
      peer.sendQueueDeclare(0);

      assertThat(peer.awaitConnectionClose()).isEqualTo(
          Closure.connection(504, "CHANNEL_ERROR - unexpected method in connection state running"));
    }
  }

  @Test
  void methodOnAChannelThatWasNeverOpenedIsAChannelErrorClosingTheConnection() throws Exception {
    try (RawAmqpPeer peer = RawAmqpPeer.open(broker, ORDINARY)) {
      peer.sendQueueDeclare(3);

      assertThat(peer.awaitConnectionClose())
          .isEqualTo(Closure.connection(504, "CHANNEL_ERROR - expected 'channel.open'"));
    }
  }

  @Test
  void openingAnOpenChannelAgainIsAChannelError() throws Exception {
    try (RawAmqpPeer peer = RawAmqpPeer.open(broker, ORDINARY)) {
      peer.openChannel(1);
      peer.sendChannelOpen(1);

      assertThat(peer.awaitConnectionClose())
          .isEqualTo(Closure.connection(504, "CHANNEL_ERROR - second 'channel.open' seen"));
    }
  }

  @Test
  void openingMoreChannelsThanNegotiatedClosesTheConnection() throws Exception {
    try (RawAmqpPeer peer = RawAmqpPeer.open(broker, new Tuning(2, 131072, 0))) {
      peer.openChannel(1);
      peer.openChannel(2);
      peer.sendChannelOpen(3);

      assertThat(peer.awaitConnectionClose()).isEqualTo(Closure.connection(530,
          "NOT_ALLOWED - number of channels opened (2) has reached the negotiated channel_max (2)"));
    }
  }

  @Test
  void frameLargerThanNegotiatedFrameMaxClosesTheConnectionWithFrameError() throws Exception {
    try (RawAmqpPeer peer = RawAmqpPeer.open(broker, new Tuning(2047, 4096, 0))) {
      peer.openChannel(1);
      // a basic.publish whose arguments are padded past the 4096-byte frame limit
      peer.sendMethod(1, 60, 40, new Args().shortInt(0).shortStr("").longStr("x".repeat(5000)).octet(0));

      Closure closure = peer.awaitConnectionClose();
      assertThat(closure.code()).isEqualTo(501);
      assertThat(closure.text()).startsWith("FRAME_ERROR");
    }
  }
}
