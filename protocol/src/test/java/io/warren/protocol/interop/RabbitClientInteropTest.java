package io.warren.protocol.interop;

import static io.warren.protocol.interop.RabbitClientCodec.CLIENT_READS;
import static io.warren.protocol.interop.RabbitClientCodec.CLIENT_WRITES;
import static io.warren.protocol.interop.RabbitClientCodec.bytes;
import static io.warren.protocol.interop.RabbitClientCodec.canonical;
import static io.warren.protocol.interop.RabbitClientCodec.clientClass;
import static io.warren.protocol.interop.RabbitClientCodec.clientMethod;
import static io.warren.protocol.interop.RabbitClientCodec.getters;
import static io.warren.protocol.interop.RabbitClientCodec.normalize;
import static io.warren.protocol.interop.RabbitClientCodec.readFrame;
import static io.warren.protocol.interop.RabbitClientCodec.toClient;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.Frame;
import com.rabbitmq.client.impl.Method;
import com.rabbitmq.client.impl.ValueReader;
import com.rabbitmq.client.impl.ValueWriter;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.warren.protocol.content.BasicProperties;
import io.warren.protocol.frame.AmqpFrameDecoder;
import io.warren.protocol.frame.ContentBodyFrame;
import io.warren.protocol.frame.ContentHeaderFrame;
import io.warren.protocol.frame.FrameWriter;
import io.warren.protocol.frame.HeartbeatFrame;
import io.warren.protocol.frame.MethodFrame;
import io.warren.protocol.method.AmqpMethod;
import io.warren.protocol.method.MethodSpec;
import io.warren.protocol.method.MethodTable;
import io.warren.protocol.testkit.Bytes;
import io.warren.protocol.testkit.LeakGuard;
import io.warren.protocol.testkit.ProtocolArbitraries;
import io.warren.protocol.types.FieldTable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Date;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Cross-checks our codec against RabbitMQ's Java client, used as a library: what its writers
 * produce decodes with ours to the same values, and what we encode its readers parse to the same
 * values. Covers every method the client knows, properties with every field, tables with every
 * value type each side can produce.
 */
class RabbitClientInteropTest {
  static {
    LeakGuard.install();
  }

  @AfterContainer
  static void noLeaks() {
    LeakGuard.assertNoLeaks();
  }

  /** Decodes one frame's bytes with our decoder (no protocol header expected). */
  private static Object decodeOne(byte[] bytes) {
    EmbeddedChannel ch = new EmbeddedChannel(new AmqpFrameDecoder(0, false));
    try {
      ch.writeInbound(Unpooled.wrappedBuffer(bytes));
      Object frame = ch.readInbound();
      Object nothingMore = ch.readInbound();
      assertThat(nothingMore).isNull();
      return frame;
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  private static byte[] encode(io.warren.protocol.frame.Frame frame) {
    return Bytes.written(out -> FrameWriter.encode(frame, out));
  }

  // ---- methods ----

  @Example
  void theClientKnowsEveryMethodWeDoWithTheSameIdsAndNames() throws Exception {
    long clientMethods = 0;
    for (Class<?> outer : AMQImpl.class.getDeclaredClasses()) {
      for (Class<?> inner : outer.getDeclaredClasses()) {
        if (Method.class.isAssignableFrom(inner)) {
          clientMethods++;
        }
      }
    }
    assertThat(MethodTable.all()).hasSize((int) clientMethods);
    for (MethodSpec spec : MethodTable.all()) {
      AmqpMethod sample = ProtocolArbitraries.methods(spec).sample();
      Method cm = clientMethod(spec, sample);
      assertThat(cm.getClass()).isEqualTo(clientClass(spec));
      assertThat(cm.protocolClassId()).as(spec.name()).isEqualTo(spec.classId());
      assertThat(cm.protocolMethodId()).as(spec.name()).isEqualTo(spec.methodId());
      assertThat(cm.protocolMethodName()).as(spec.name()).isEqualTo(spec.name());
      assertThat(cm.hasContent()).as(spec.name()).isEqualTo(spec.hasContent());
    }
  }

  @Provide
  Arbitrary<AmqpMethod> clientWritableMethods() {
    return ProtocolArbitraries.methods(CLIENT_WRITES);
  }

  @Provide
  Arbitrary<AmqpMethod> clientReadableMethods() {
    return ProtocolArbitraries.methods(CLIENT_READS);
  }

  @Property(tries = 1000)
  void methodsTheClientWritesDecodeToOursAndBytesAgree(
      @ForAll("clientWritableMethods") AmqpMethod m,
      @ForAll @IntRange(min = 0, max = 65535) int channel) throws IOException {
    MethodSpec spec = MethodTable.of(m.getClass());
    byte[] clientBytes = bytes(clientMethod(spec, m).toFrame(channel));
    MethodFrame decoded = (MethodFrame) decodeOne(clientBytes);
    assertThat(decoded.channel()).isEqualTo(channel);
    // the client copies tables into HashMaps, so only their entry order may differ
    assertThat(canonical(decoded.method())).isEqualTo(canonical(m));
    assertThat(encode(decoded)).isEqualTo(clientBytes);
  }

  @Property(tries = 1000)
  void methodsWeWriteAreParsedByTheClientToTheSameValues(
      @ForAll("clientReadableMethods") AmqpMethod m,
      @ForAll @IntRange(min = 0, max = 65535) int channel) throws IOException {
    MethodSpec spec = MethodTable.of(m.getClass());
    Frame frame = readFrame(encode(new MethodFrame(channel, m)));
    assertThat(frame.getType()).isEqualTo(AMQP.FRAME_METHOD);
    assertThat(frame.getChannel()).isEqualTo(channel);
    Method parsed = AMQImpl.readMethodFrom(frame.getInputStream());
    assertThat(parsed.getClass()).isEqualTo(clientClass(spec));
    assertThat(getters(parsed)).isEqualTo(getters(clientMethod(spec, m)));
  }

  @Example
  void aPublishReadsAsTheClientMeansIt() throws IOException {
    Frame frame = readFrame(encode(new MethodFrame(1,
        new io.warren.protocol.method.BasicPublish("amq.direct", "key", true, false))));
    AMQImpl.Basic.Publish p = (AMQImpl.Basic.Publish) AMQImpl.readMethodFrom(frame.getInputStream());
    assertThat(p.getExchange()).isEqualTo("amq.direct");
    assertThat(p.getRoutingKey()).isEqualTo("key");
    assertThat(p.getMandatory()).isTrue();
    assertThat(p.getImmediate()).isFalse();
    assertThat(p.getTicket()).isZero();
  }

  // ---- content headers and bodies ----

  @Provide
  Arbitrary<BasicProperties> clientWritableProperties() {
    return ProtocolArbitraries.basicProperties(CLIENT_WRITES)
        .filter(p -> p.timestamp() == null || (p.timestamp() >= 0 && p.timestamp() < 1L << 40));
  }

  @Provide
  Arbitrary<BasicProperties> clientReadableProperties() {
    return ProtocolArbitraries.basicProperties(CLIENT_READS)
        .filter(p -> p.timestamp() == null || (p.timestamp() >= 0 && p.timestamp() < 1L << 40));
  }

  @SuppressWarnings("unchecked")
  private static AMQP.BasicProperties clientProperties(BasicProperties p) {
    return new AMQP.BasicProperties(p.contentType(), p.contentEncoding(),
        p.headers() == null ? null : (Map<String, Object>) toClient(p.headers()),
        p.deliveryMode(), p.priority(), p.correlationId(), p.replyTo(), p.expiration(),
        p.messageId(), p.timestamp() == null ? null : new Date(p.timestamp() * 1000), p.type(),
        p.userId(), p.appId(), p.clusterId());
  }

  @Property(tries = 500)
  void contentHeadersTheClientWritesDecodeToOurProperties(
      @ForAll("clientWritableProperties") BasicProperties props,
      @ForAll @IntRange(min = 0, max = 1 << 30) int bodySize) throws IOException {
    byte[] clientBytes = bytes(clientProperties(props).toFrame(3, bodySize));
    ContentHeaderFrame h = (ContentHeaderFrame) decodeOne(clientBytes);
    try {
      assertThat(h.channel()).isEqualTo(3);
      assertThat(h.classId()).isEqualTo(60);
      assertThat(h.bodySize()).isEqualTo(bodySize);
      BasicProperties decoded = BasicProperties.decode(h.properties().duplicate());
      assertThat(canonical(decoded)).isEqualTo(canonical(props));
      assertThat(Bytes.written(decoded::encode)).isEqualTo(Bytes.of(h.properties()));
      assertThat(encode(h)).isEqualTo(clientBytes);
    } finally {
      h.release();
    }
  }

  @Property(tries = 500)
  void propertiesWeWriteAreParsedByTheClient(
      @ForAll("clientReadableProperties") BasicProperties props,
      @ForAll @IntRange(min = 0, max = 1 << 30) int bodySize) throws IOException {
    byte[] ours = encode(new ContentHeaderFrame(9, 60, bodySize,
        Unpooled.wrappedBuffer(Bytes.written(props::encode))));
    Frame frame = readFrame(ours);
    assertThat(frame.getType()).isEqualTo(AMQP.FRAME_HEADER);
    AMQP.BasicProperties parsed =
        (AMQP.BasicProperties) AMQImpl.readContentHeaderFrom(frame.getInputStream());
    assertThat(parsed.getBodySize()).isEqualTo(bodySize);
    assertThat(getters(parsed)).isEqualTo(getters(clientProperties(props)));
  }

  @Example
  void everyPropertyCrossesBothWays() throws IOException {
    BasicProperties all = new BasicProperties("application/json", "gzip",
        FieldTable.of(Map.of("x-death", List.of(Map.of("count", 1L)))), 2, 9, "corr", "reply",
        "60000", "msg-1", 1_700_000_000L, "type", "guest", "app", "cluster");
    byte[] clientBytes = bytes(clientProperties(all).toFrame(1, 10));
    ContentHeaderFrame h = (ContentHeaderFrame) decodeOne(clientBytes);
    assertThat(BasicProperties.decode(h.properties().duplicate())).isEqualTo(all);
    h.release();
    AMQP.BasicProperties parsed = (AMQP.BasicProperties) AMQImpl.readContentHeaderFrom(
        readFrame(encode(new ContentHeaderFrame(1, 60, 10,
            Unpooled.wrappedBuffer(Bytes.written(all::encode))))).getInputStream());
    assertThat(parsed.getAppId()).isEqualTo("app");
    assertThat(parsed.getTimestamp()).isEqualTo(new Date(1_700_000_000_000L));
    assertThat(parsed.getDeliveryMode()).isEqualTo(2);
    assertThat(parsed.getHeaders()).containsKey("x-death");
  }

  @Example
  void bodyAndHeartbeatFramesCrossBothWays() {
    byte[] body = new byte[300];
    body[299] = 5;
    byte[] clientBody = bytes(Frame.fromBodyFragment(4, ByteBuffer.wrap(body), 0, body.length));
    Object decoded = decodeOne(clientBody);
    assertThat(decoded).isInstanceOf(ContentBodyFrame.class);
    assertThat(Bytes.of(((ContentBodyFrame) decoded).payload())).isEqualTo(body);
    assertThat(encode((ContentBodyFrame) decoded)).isEqualTo(clientBody);
    ReferenceCountUtil.release(decoded);

    byte[] clientHeartbeat = bytes(new Frame(AMQP.FRAME_HEARTBEAT, 0));
    assertThat(decodeOne(clientHeartbeat)).isEqualTo(HeartbeatFrame.INSTANCE);
    Frame heartbeat = readFrame(encode(HeartbeatFrame.INSTANCE));
    assertThat(heartbeat.getType()).isEqualTo(AMQP.FRAME_HEARTBEAT);
    assertThat(heartbeat.getPayload()).isEmpty();
  }

  // ---- field tables ----

  @Provide
  Arbitrary<FieldTable> clientWritableTables() {
    return ProtocolArbitraries.fieldTables(CLIENT_WRITES, 3);
  }

  @Provide
  Arbitrary<FieldTable> clientReadableTables() {
    return ProtocolArbitraries.fieldTables(CLIENT_READS, 3);
  }

  @SuppressWarnings("unchecked")
  @Property(tries = 500)
  void tablesTheClientWritesDecodeToOursByteForByte(@ForAll("clientWritableTables") FieldTable t)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ValueWriter writer = new ValueWriter(new DataOutputStream(out));
    writer.writeTable((Map<String, Object>) toClient(t));
    writer.flush();
    byte[] clientBytes = out.toByteArray();
    assertThat(FieldTable.decode(Unpooled.wrappedBuffer(clientBytes))).isEqualTo(t);
    assertThat(Bytes.written(t::encode)).isEqualTo(clientBytes);
  }

  @Property(tries = 500)
  void tablesWeWriteAreReadByTheClient(@ForAll("clientReadableTables") FieldTable t)
      throws IOException {
    byte[] ours = Bytes.written(t::encode);
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(ours));
    Map<String, Object> read = new ValueReader(in).readTable();
    assertThat(in.available()).isZero();
    assertThat(normalize(read)).isEqualTo(normalize(toClient(t)));
  }

  @Example
  void everyValueTypeTheClientKnowsCrossesBothWays() throws IOException {
    FieldTable t = FieldTable.builder()
        .put("t", true).put("b", (byte) -1)
        .put("B", new io.warren.protocol.types.FieldValue.UnsignedByteValue(200))
        .put("s", (short) -2)
        .put("u", new io.warren.protocol.types.FieldValue.UnsignedShortValue(60000))
        .put("I", -3)
        .put("i", new io.warren.protocol.types.FieldValue.UnsignedIntValue(4_000_000_000L))
        .put("l", -4L).put("f", 1.25f).put("d", -2.5).put("D", new java.math.BigDecimal("3.14"))
        .put("S", "text").put("A", List.of(1, "two", List.of())).put("T", new Date(86_400_000L))
        .put("F", Map.of("nested", true)).put("V", null).put("x", new byte[] {1, 2, 3})
        .build();
    Map<String, Object> read = new ValueReader(new DataInputStream(
        new ByteArrayInputStream(Bytes.written(t::encode)))).readTable();
    assertThat(read.get("B")).isEqualTo(200);
    assertThat(read.get("u")).isEqualTo(60000);
    assertThat(read.get("i")).isEqualTo(4_000_000_000L);
    assertThat(read.get("D")).isEqualTo(new java.math.BigDecimal("3.14"));
    assertThat(read.get("S").toString()).isEqualTo("text");
    assertThat(read.get("T")).isEqualTo(new Date(86_400_000L));
    assertThat(read.get("x")).isEqualTo(new byte[] {1, 2, 3});
    assertThat(read).containsEntry("V", null);
    assertThat(normalize(read)).isEqualTo(normalize(toClient(t)));
  }

}
