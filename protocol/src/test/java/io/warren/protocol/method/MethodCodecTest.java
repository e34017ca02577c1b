package io.warren.protocol.method;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.protocol.AmqpException;
import io.warren.protocol.ReplyCode;
import io.warren.protocol.testkit.Bytes;
import io.warren.protocol.testkit.ProtocolArbitraries;
import io.warren.protocol.types.FieldTable;
import io.warren.protocol.types.LongString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class MethodCodecTest {

  @Provide
  Arbitrary<AmqpMethod> methods() {
    return ProtocolArbitraries.methods();
  }

  @Provide
  Arbitrary<AmqpMethod> hotMethods() {
    return ProtocolArbitraries.methods(Set.of(BasicPublish.class, BasicDeliver.class,
        BasicAck.class));
  }

  private static byte[] encode(AmqpMethod m) {
    return Bytes.written(out -> MethodCodec.encode(m, out));
  }

  private static AmqpMethod decode(byte[] bytes) {
    return MethodCodec.decode(Unpooled.wrappedBuffer(bytes));
  }

  @Example
  void everyPermittedRecordIsInTheTableAndEveryRowIsARecord() {
    Class<?>[] permitted = AmqpMethod.class.getPermittedSubclasses();
    for (Class<?> type : permitted) {
      MethodSpec spec = MethodTable.of(type);
      assertThat(spec.type()).isEqualTo(type);
      assertThat(MethodTable.lookup(spec.classId(), spec.methodId())).isSameAs(spec);
    }
    List<Class<?>> inTable = new ArrayList<>();
    MethodTable.all().forEach(spec -> inTable.add(spec.type()));
    assertThat(inTable).containsExactlyInAnyOrder(permitted);
  }

  @Example
  void everyMethodRoundTripsWithSampledValues() {
    for (MethodSpec spec : MethodTable.all()) {
      ProtocolArbitraries.methods(spec).sampleStream().limit(30).forEach(m -> {
        byte[] bytes = encode(m);
        AmqpMethod decoded = decode(bytes);
        assertThat(decoded).as(spec.name()).isEqualTo(m);
        assertThat(encode(decoded)).isEqualTo(bytes);
      });
    }
  }

  @Property(tries = 2000)
  void methodsRoundTripByteExactly(@ForAll("methods") AmqpMethod m) {
    byte[] bytes = encode(m);
    AmqpMethod decoded = decode(bytes);
    assertThat(decoded).isEqualTo(m);
    assertThat(encode(decoded)).isEqualTo(bytes);
    MethodSpec spec = MethodTable.of(m.getClass());
    assertThat(m.classId()).isEqualTo(spec.classId());
    assertThat(m.methodId()).isEqualTo(spec.methodId());
    assertThat(m.name()).isEqualTo(spec.name());
  }

  @Property(tries = 1000)
  void hotPathCodecsAgreeWithTheTable(@ForAll("hotMethods") AmqpMethod m) {
    MethodSpec spec = MethodTable.of(m.getClass());
    ArgsCodec generic = spec.genericCodec();
    assertThat(spec.codec()).isNotInstanceOf(TableDrivenArgsCodec.class);
    byte[] fast = Bytes.written(out -> spec.codec().encode(m, out));
    byte[] slow = Bytes.written(out -> generic.encode(m, out));
    assertThat(fast).isEqualTo(slow);
    assertThat(spec.codec().decode(Unpooled.wrappedBuffer(slow))).isEqualTo(m);
    assertThat(generic.decode(Unpooled.wrappedBuffer(fast))).isEqualTo(m);
  }

  @Property(tries = 300)
  void everyProperPrefixIsTruncatedInput(@ForAll("methods") AmqpMethod m) {
    byte[] bytes = encode(m);
    for (int len = 0; len < bytes.length; len++) {
      byte[] prefix = Arrays.copyOf(bytes, len);
      assertThatThrownBy(() -> decode(prefix))
          .isInstanceOfSatisfying(AmqpException.class, e -> {
            assertThat(e.code()).isEqualTo(ReplyCode.FRAME_ERROR);
            if (prefix.length >= 4) {
              assertThat(e.classId()).isEqualTo(m.classId());
              assertThat(e.methodId()).isEqualTo(m.methodId());
            }
          });
    }
  }

  @Property(tries = 300)
  void trailingBytesAreAFrameError(@ForAll("methods") AmqpMethod m) {
    byte[] bytes = Bytes.concat(encode(m), new byte[] {0});
    assertThatThrownBy(() -> decode(bytes)).isInstanceOfSatisfying(AmqpException.class,
        e -> assertThat(e.code()).isEqualTo(ReplyCode.FRAME_ERROR));
  }

  @Example
  void knownEncodings() {
    assertThat(encode(new BasicPublish("ex", "rk", true, false)))
        .containsExactly(0, 60, 0, 40, 0, 0, 2, 'e', 'x', 2, 'r', 'k', 1);
    assertThat(encode(new BasicAck(258, true)))
        .containsExactly(0, 60, 0, 80, 0, 0, 0, 0, 0, 0, 1, 2, 1);
    assertThat(encode(new ConnectionTune(2047, 131072, 60)))
        .containsExactly(0, 10, 0, 30, 7, 0xFF, 0, 2, 0, 0, 0, 60);
    assertThat(encode(new ConnectionOpen("/")))
        .containsExactly(0, 10, 0, 40, 1, '/', 0, 0);
    assertThat(encode(new ChannelOpenOk()))
        .containsExactly(0, 20, 0, 11, 0, 0, 0, 0);
    assertThat(encode(new ConfirmSelect(true))).containsExactly(0, 85, 0, 10, 1);
    // queue.declare: passive, durable, exclusive, auto-delete, no-wait share one octet
    assertThat(encode(new QueueDeclare("q", false, true, false, true, true, FieldTable.EMPTY)))
        .containsExactly(0, 50, 0, 10, 0, 0, 1, 'q', 0b11010, 0, 0, 0, 0);
    assertThat(encode(new AccessRequest("/data", true, false, true, false, true)))
        .containsExactly(0, 30, 0, 10, 5, '/', 'd', 'a', 't', 'a', 0b10101);
    assertThat(encode(new BasicDeliver("ctag", 1, true, "", "k")))
        .containsExactly(0, 60, 0, 60, 4, 'c', 't', 'a', 'g', 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1,
            'k');
  }

  @Example
  void reservedFieldsAreSkippedWhateverTheyHold() {
    byte[] publishWithTicket = {0, 60, 0, 40, 0, 7, 0, 0, 0};
    assertThat(decode(publishWithTicket)).isEqualTo(new BasicPublish("", "", false, false));
    byte[] openWithCapabilitiesAndInsist = {0, 10, 0, 40, 1, '/', 2, 'c', 'p', 1};
    assertThat(decode(openWithCapabilitiesAndInsist)).isEqualTo(new ConnectionOpen("/"));
  }

  @Example
  void methodsKnowTheirIdsNamesAndContent() {
    assertThat(new BasicPublish("", "", false, false).name()).isEqualTo("basic.publish");
    assertThat(new BasicPublish("", "", false, false).hasContent()).isTrue();
    assertThat(new BasicGetOk(1, false, "", "", 0).hasContent()).isTrue();
    assertThat(new BasicReturn(312, "NO_ROUTE", "", "").hasContent()).isTrue();
    assertThat(new BasicAck(1, false).hasContent()).isFalse();
    assertThat(new QueueDeclareOk("q", 0, 0).name()).isEqualTo("queue.declare-ok");
    assertThat(new ExchangeUnbindOk().methodId()).isEqualTo(51);
    ChannelClose close = new ChannelClose(404, "NOT_FOUND", 50, 10);
    assertThat(close.classId()).isEqualTo(20);
    assertThat(close.methodId()).isEqualTo(40);
    assertThat(close.failingClassId()).isEqualTo(50);
    assertThat(new ConnectionUpdateSecret(LongString.of("s"), "r").classId()).isEqualTo(10);
  }

  @Example
  void unknownClassOrMethodIsNotImplemented() {
    for (byte[] bytes : List.of(new byte[] {0, 99, 0, 10}, new byte[] {0, 60, 0, (byte) 200},
        new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF})) {
      assertThatThrownBy(() -> decode(bytes)).isInstanceOfSatisfying(AmqpException.class, e -> {
        assertThat(e.code()).isEqualTo(ReplyCode.NOT_IMPLEMENTED);
        assertThat(e.classId()).isEqualTo(Unpooled.wrappedBuffer(bytes).getUnsignedShort(0));
        assertThat(e.methodId()).isEqualTo(Unpooled.wrappedBuffer(bytes).getUnsignedShort(2));
      });
    }
  }

  @Example
  void malformedUtf8InAShortStringIsAFrameError() {
    byte[] bytes = {0, 60, 0, 40, 0, 0, 1, (byte) 0xFF, 0, 0};
    assertThatThrownBy(() -> decode(bytes)).isInstanceOfSatisfying(AmqpException.class, e -> {
      assertThat(e.code()).isEqualTo(ReplyCode.FRAME_ERROR);
      assertThat(e.classId()).isEqualTo(60);
      assertThat(e.methodId()).isEqualTo(40);
    });
  }

  @Example
  void badTableValueTypeIsASyntaxError() {
    // queue.declare with arguments {"k": 'Z'}
    byte[] bytes = {0, 50, 0, 10, 0, 0, 1, 'q', 0, 0, 0, 0, 3, 1, 'k', 'Z'};
    assertThatThrownBy(() -> decode(bytes)).isInstanceOfSatisfying(AmqpException.class, e -> {
      assertThat(e.code()).isEqualTo(ReplyCode.SYNTAX_ERROR);
      assertThat(e.classId()).isEqualTo(50);
      assertThat(e.methodId()).isEqualTo(10);
    });
  }

  @Example
  void encodingRefusesValuesTheWireCannotCarry() {
    List<Consumer<ByteBuf>> bad = new ArrayList<>();
    bad.add(out -> MethodCodec.encode(new BasicPublish("x".repeat(256), "", false, false), out));
    bad.add(out -> MethodCodec.encode(new ConnectionTune(65536, 0, 0), out));
    bad.add(out -> MethodCodec.encode(new ConnectionTune(0, 1L << 32, 0), out));
    bad.add(out -> MethodCodec.encode(new ConnectionStart(256, 0, FieldTable.EMPTY,
        LongString.EMPTY, LongString.EMPTY), out));
    bad.add(out -> MethodCodec.encode(new QueueDeclareOk("q", -1, 0), out));
    bad.add(out -> MethodCodec.encode(new BasicQos(0, -1, false), out));
    for (Consumer<ByteBuf> c : bad) {
      assertThatThrownBy(() -> Bytes.written(c)).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> encode(new QueueDeclare(null, false, false, false, false, false,
        FieldTable.EMPTY))).isInstanceOf(NullPointerException.class).hasMessageContaining("queue");
    assertThatThrownBy(() -> encode(new BasicPublish(null, "", false, false)))
        .isInstanceOf(NullPointerException.class);
    assertThat(encode(new BasicPublish("é".repeat(127) + "x", "", false, false))).hasSize(4 + 2 + 256 + 1 + 1);
  }

  @Example
  void recordsWithoutArgumentsDecodeToOneSharedInstance() {
    assertThat(decode(encode(new TxSelect()))).isSameAs(decode(encode(new TxSelect())));
  }
}
