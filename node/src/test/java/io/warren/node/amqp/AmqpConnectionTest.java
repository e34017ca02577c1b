package io.warren.node.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.warren.protocol.content.BasicProperties;
import io.warren.protocol.method.AmqpMethod;
import io.warren.protocol.method.BasicAck;
import io.warren.protocol.method.BasicConsume;
import io.warren.protocol.method.BasicConsumeOk;
import io.warren.protocol.method.BasicDeliver;
import io.warren.protocol.method.BasicGet;
import io.warren.protocol.method.BasicGetOk;
import io.warren.protocol.method.BasicPublish;
import io.warren.protocol.method.ChannelClose;
import io.warren.protocol.method.ChannelOpen;
import io.warren.protocol.method.ChannelOpenOk;
import io.warren.protocol.method.ConfirmSelect;
import io.warren.protocol.method.ConfirmSelectOk;
import io.warren.protocol.method.ConnectionBlocked;
import io.warren.protocol.method.ConnectionClose;
import io.warren.protocol.method.ConnectionOpen;
import io.warren.protocol.method.ConnectionOpenOk;
import io.warren.protocol.method.ConnectionStart;
import io.warren.protocol.method.ConnectionStartOk;
import io.warren.protocol.method.ConnectionTune;
import io.warren.protocol.method.ConnectionTuneOk;
import io.warren.protocol.method.ConnectionUnblocked;
import io.warren.protocol.method.QueueDeclare;
import io.warren.protocol.method.QueueDeclareOk;
import io.warren.protocol.types.FieldTable;
import io.warren.protocol.types.LongString;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AmqpConnectionTest {
  private final ClientPeer peer = new ClientPeer();

  @AfterEach
  void tearDown() {
    peer.close();
  }

  private void declare(String queue) {
    peer.send(1, new QueueDeclare(queue, false, false, false, false, false, FieldTable.EMPTY));
    assertThat(peer.methods()).containsExactly(new QueueDeclareOk(queue, 0, 0));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void handshakeAdvertisesCapabilitiesTunesAndOpens() {
    peer.sendProtocolHeader();
    List<AmqpMethod> start = peer.methods();
    assertThat(start).hasSize(1).first().isInstanceOf(ConnectionStart.class);
    ConnectionStart s = (ConnectionStart) start.get(0);
    assertThat(s.mechanisms().toString()).contains("PLAIN", "AMQPLAIN");
    FieldTable caps = s.serverProperties().getTable("capabilities");
    for (String c : ServerProperties.CAPABILITIES) {
      assertThat(caps.getBoolean(c)).as(c).isTrue();
    }
    assertThat(s.serverProperties().getString("product")).isEqualTo("Warren");

    peer.send(0, new ConnectionStartOk(ClientPeer.clientProperties(), "PLAIN", LongString.of("\0guest\0guest"),
        "en_US"));
    assertThat(peer.methods()).containsExactly(new ConnectionTune(2047, 131072, 0));
    peer.send(0, new ConnectionTuneOk(100, 65536, 0));
    peer.send(0, new ConnectionOpen("/"));
    peer.send(1, new ChannelOpen());
    assertThat(peer.methods()).containsExactly(new ConnectionOpenOk(), new ChannelOpenOk());
  }

  @Test
  void amqplainLoginWorks() {
    peer.sendProtocolHeader();
    ByteBuf table = Unpooled.buffer();
    FieldTable.builder().put("LOGIN", "guest").put("PASSWORD", "guest").build().encode(table);
    table.skipBytes(4); // AMQPLAIN sends the table without its length
    peer.send(0, new ConnectionStartOk(ClientPeer.clientProperties(), "AMQPLAIN",
        LongString.of(ByteBufUtil.getBytes(table)), "en_US"));
    table.release();
    assertThat(peer.methods()).hasSize(2).last().isInstanceOf(ConnectionTune.class);
  }

  @Test
  void wrongPasswordIsRefusedWith403AndTheSocketCloses() {
    peer.sendProtocolHeader();
    peer.send(0, new ConnectionStartOk(ClientPeer.clientProperties(), "PLAIN", LongString.of("\0guest\0nope"),
        "en_US"));
    List<AmqpMethod> out = peer.methods();
    assertThat(out.get(out.size() - 1)).isEqualTo(new ConnectionClose(403,
        "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile.",
        10, 11));
    assertThat(peer.server.isOpen()).isFalse();
  }

  @Test
  void unknownVhostIsANotAllowedConnectionError() {
    peer.sendProtocolHeader();
    peer.send(0, new ConnectionStartOk(ClientPeer.clientProperties(), "PLAIN", LongString.of("\0guest\0guest"),
        "en_US"));
    peer.send(0, new ConnectionTuneOk(2047, 131072, 0));
    peer.send(0, new ConnectionOpen("nope"));
    List<AmqpMethod> out = peer.methods();
    assertThat(out.get(out.size() - 1)).isEqualTo(new ConnectionClose(530, "NOT_ALLOWED - vhost nope not found", 10, 40));
  }

  @Test
  void propertiesAndBodyComeBackByteForByte() {
    peer.open();
    declare("q");
    BasicProperties props = BasicProperties.builder().contentType("text/plain").contentEncoding("utf-8")
        .headers(FieldTable.builder().put("h", 1).put("s", "x").build()).deliveryMode(2).priority(3)
        .correlationId("c").replyTo("r").expiration("60000").messageId("m").timestamp(1234L).type("t")
        .userId("guest").appId("a").clusterId("cl").build();
    ByteBuf encoded = Unpooled.buffer();
    props.encode(encoded);
    byte[] raw = ByteBufUtil.getBytes(encoded);
    encoded.release();

    peer.publish(1, new BasicPublish("", "q", false, false), raw, bytes("hello"));
    peer.send(1, new BasicGet("q", true));
    List<ClientPeer.Received> got = peer.received();
    assertThat(got).hasSize(1);
    assertThat(got.get(0).method()).isEqualTo(new BasicGetOk(1, false, "", "q", 0));
    assertThat(got.get(0).properties()).isEqualTo(raw);
    assertThat(got.get(0).body()).isEqualTo(bytes("hello"));
  }

  @Test
  void aBodyLargerThanFrameMaxIsSplitIntoFrames() {
    peer.open();
    declare("q");
    byte[] body = new byte[300_000];
    new java.util.Random(1).nextBytes(body);
    peer.publish(1, new BasicPublish("", "q", false, false), new byte[] {0, 0}, body);
    peer.send(1, new BasicGet("q", true));
    List<ClientPeer.Received> got = peer.received();
    assertThat(got).hasSize(1);
    assertThat(got.get(0).body()).isEqualTo(body);
  }

  @Test
  void channelErrorClosesOnlyThatChannel() {
    peer.open();
    peer.send(2, new ChannelOpen());
    peer.send(1, new BasicGet("nope", false));
    assertThat(peer.methods()).containsExactly(new ChannelOpenOk(),
        new ChannelClose(404, "NOT_FOUND - no queue 'nope' in vhost '/'", 60, 70));
    peer.send(2, new QueueDeclare("q2", false, false, false, false, false, FieldTable.EMPTY));
    assertThat(peer.methods()).containsExactly(new QueueDeclareOk("q2", 0, 0));
  }

  @Test
  void userIdMustMatchTheLogin() {
    peer.open();
    ByteBuf encoded = Unpooled.buffer();
    BasicProperties.builder().userId("mallory").build().encode(encoded);
    peer.publish(1, new BasicPublish("", "q", false, false), ByteBufUtil.getBytes(encoded), bytes("x"));
    encoded.release();
    assertThat(peer.methods()).containsExactly(new ChannelClose(406,
        "PRECONDITION_FAILED - user_id property set to 'mallory' but authenticated user was 'guest'", 60, 40));
  }

  @Test
  void confirmsOfOneBatchAreCoalescedIntoOneMultipleAck() {
    peer.open();
    declare("q");
    peer.send(1, new ConfirmSelect(false));
    assertThat(peer.methods()).containsExactly(new ConfirmSelectOk());
    byte[] none = {0, 0};
    BasicPublish publish = new BasicPublish("", "q", false, false);
    peer.sendFrames(
        new io.warren.protocol.frame.MethodFrame(1, publish),
        new io.warren.protocol.frame.ContentHeaderFrame(1, 60, 1, Unpooled.wrappedBuffer(none)),
        new io.warren.protocol.frame.ContentBodyFrame(1, Unpooled.wrappedBuffer(bytes("a"))),
        new io.warren.protocol.frame.MethodFrame(1, publish),
        new io.warren.protocol.frame.ContentHeaderFrame(1, 60, 1, Unpooled.wrappedBuffer(none)),
        new io.warren.protocol.frame.ContentBodyFrame(1, Unpooled.wrappedBuffer(bytes("b"))),
        new io.warren.protocol.frame.MethodFrame(1, new BasicPublish("", "unroutable", false, false)),
        new io.warren.protocol.frame.ContentHeaderFrame(1, 60, 1, Unpooled.wrappedBuffer(none)),
        new io.warren.protocol.frame.ContentBodyFrame(1, Unpooled.wrappedBuffer(bytes("c"))));
    assertThat(peer.methods()).containsExactly(new BasicAck(3, true));
  }

  @Test
  void consumerCreditIsGivenBackAsDeliveriesAreWritten() {
    peer.open();
    declare("q");
    int count = AmqpChannel.INITIAL_CREDIT + 500;
    for (int i = 0; i < count; i++) {
      peer.publish(1, new BasicPublish("", "q", false, false), new byte[] {0, 0}, bytes("m" + i));
    }
    peer.send(1, new BasicConsume("q", "c", false, true, false, false, FieldTable.EMPTY));
    List<ClientPeer.Received> got = peer.received();
    assertThat(got.get(0).method()).isEqualTo(new BasicConsumeOk("c"));
    List<String> bodies = got.stream().filter(r -> r.method() instanceof BasicDeliver)
        .map(r -> new String(r.body(), StandardCharsets.UTF_8)).toList();
    assertThat(bodies).hasSize(count);
    assertThat(bodies.get(count - 1)).isEqualTo("m" + (count - 1));
  }

  @Test
  void memoryAlarmBlocksAPublishingConnectionUntilCleared() {
    peer.open();
    declare("q");
    peer.publish(1, new BasicPublish("", "q", false, false), new byte[] {0, 0}, bytes("x"));
    peer.heapUsed.set(900);
    peer.alarm.check();
    peer.server.runPendingTasks();
    assertThat(peer.methods()).containsExactly(new ConnectionBlocked("low on memory"));
    assertThat(peer.server.config().isAutoRead()).isFalse();
    peer.heapUsed.set(100);
    peer.alarm.check();
    peer.server.runPendingTasks();
    assertThat(peer.methods()).containsExactly(new ConnectionUnblocked());
    assertThat(peer.server.config().isAutoRead()).isTrue();
  }
}
