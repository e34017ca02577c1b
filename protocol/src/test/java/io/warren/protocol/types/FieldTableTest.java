package io.warren.protocol.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.protocol.AmqpException;
import io.warren.protocol.ReplyCode;
import io.warren.protocol.testkit.Bytes;
import io.warren.protocol.testkit.ProtocolArbitraries;
import io.warren.protocol.types.FieldValue.ArrayValue;
import io.warren.protocol.types.FieldValue.BooleanValue;
import io.warren.protocol.types.FieldValue.BytesValue;
import io.warren.protocol.types.FieldValue.DecimalValue;
import io.warren.protocol.types.FieldValue.DoubleValue;
import io.warren.protocol.types.FieldValue.FloatValue;
import io.warren.protocol.types.FieldValue.IntValue;
import io.warren.protocol.types.FieldValue.LongStringValue;
import io.warren.protocol.types.FieldValue.LongValue;
import io.warren.protocol.types.FieldValue.ShortValue;
import io.warren.protocol.types.FieldValue.TableValue;
import io.warren.protocol.types.FieldValue.TimestampValue;
import io.warren.protocol.types.FieldValue.UnsignedByteValue;
import io.warren.protocol.types.FieldValue.VoidValue;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class FieldTableTest {

  @Provide
  Arbitrary<FieldTable> tables() {
    return ProtocolArbitraries.fieldTables(ProtocolArbitraries.ALL_TAGS, 3);
  }

  @Property(tries = 500)
  void tablesRoundTripByteExactly(@ForAll("tables") FieldTable table) {
    byte[] bytes = Bytes.written(table::encode);
    assertThat(bytes).hasSize(table.encodedSize());

    ByteBuf in = Unpooled.wrappedBuffer(bytes);
    FieldTable decoded = FieldTable.decode(in);
    assertThat(in.isReadable()).isFalse();
    assertThat(decoded).isEqualTo(table);
    assertThat(Bytes.written(decoded::encode)).isEqualTo(bytes);
  }

  @Property(tries = 300)
  void everyProperPrefixIsRejectedAsTruncated(@ForAll("tables") FieldTable table) {
    byte[] bytes = Bytes.written(table::encode);
    for (int len = 0; len < bytes.length; len++) {
      ByteBuf in = Unpooled.wrappedBuffer(bytes, 0, len);
      assertThatThrownBy(() -> FieldTable.decode(in))
          .isInstanceOfSatisfying(AmqpException.class,
              e -> assertThat(e.code()).isEqualTo(ReplyCode.FRAME_ERROR));
    }
  }

  @Example
  void everyTagIsWrittenAsRabbitMqExpects() {
    FieldTable t = FieldTable.builder()
        .put("t", true)
        .put("b", (byte) -2)
        .put("B", new UnsignedByteValue(200))
        .put("s", (short) -3)
        .put("u", new FieldValue.UnsignedShortValue(65535))
        .put("I", -4)
        .put("i", new FieldValue.UnsignedIntValue(0xFFFF_FFFFL))
        .put("l", -5L)
        .put("L", new FieldValue.LongLongValue(-6L))
        .put("f", 1.5f)
        .put("d", 2.5d)
        .put("D", new BigDecimal("-12.34"))
        .put("S", "hé")
        .put("A", List.of(1, "x"))
        .put("T", new Date(7_000))
        .put("F", Map.of("k", 1))
        .put("V", null)
        .put("x", new byte[] {9, 8})
        .build();
    byte[] expected = Bytes.concat(
        new byte[] {1, 't', 't', 1},
        new byte[] {1, 'b', 'b', -2},
        new byte[] {1, 'B', 'B', (byte) 200},
        new byte[] {1, 's', 's', -1, -3},
        new byte[] {1, 'u', 'u', -1, -1},
        new byte[] {1, 'I', 'I', -1, -1, -1, -4},
        new byte[] {1, 'i', 'i', -1, -1, -1, -1},
        new byte[] {1, 'l', 'l', -1, -1, -1, -1, -1, -1, -1, -5},
        new byte[] {1, 'L', 'L', -1, -1, -1, -1, -1, -1, -1, -6},
        new byte[] {1, 'f', 'f', 0x3F, (byte) 0xC0, 0, 0},
        new byte[] {1, 'd', 'd', 0x40, 0x04, 0, 0, 0, 0, 0, 0},
        new byte[] {1, 'D', 'D', 2, -1, -1, -5, 46},
        new byte[] {1, 'S', 'S', 0, 0, 0, 3, 'h', (byte) 0xC3, (byte) 0xA9},
        new byte[] {1, 'A', 'A', 0, 0, 0, 11, 'I', 0, 0, 0, 1, 'S', 0, 0, 0, 1, 'x'},
        new byte[] {1, 'T', 'T', 0, 0, 0, 0, 0, 0, 0, 7},
        new byte[] {1, 'F', 'F', 0, 0, 0, 7, 1, 'k', 'I', 0, 0, 0, 1},
        new byte[] {1, 'V', 'V'},
        new byte[] {1, 'x', 'x', 0, 0, 0, 2, 9, 8});
    byte[] body = Bytes.written(t::encode);
    assertThat(Arrays.copyOfRange(body, 4, body.length)).isEqualTo(expected);
    assertThat(Unpooled.wrappedBuffer(body).getInt(0)).isEqualTo(expected.length);
    assertThat(FieldTable.decode(Unpooled.wrappedBuffer(body))).isEqualTo(t);
  }

  @Example
  void plainJavaValuesMapToTheJavaClientsTags() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("str", "v");
    m.put("int", 1);
    m.put("long", 2L);
    m.put("bool", true);
    m.put("bytes", new byte[] {1});
    m.put("double", 1.0);
    m.put("float", 1.0f);
    m.put("dec", BigDecimal.ONE);
    m.put("list", List.of());
    m.put("map", Map.of());
    m.put("table", FieldTable.EMPTY);
    m.put("null", null);
    m.put("date", new Date(1000));
    m.put("instant", Instant.ofEpochSecond(5));
    m.put("short", (short) 1);
    m.put("byte", (byte) 1);
    m.put("longstr", LongString.of("ls"));
    FieldTable t = FieldTable.of(m);
    assertThat(t.entries()).extracting(e -> e.value().tag())
        .containsExactly('S', 'I', 'l', 't', 'x', 'd', 'f', 'D', 'A', 'F', 'F', 'V', 'T', 'T', 's',
            'b', 'S');
    assertThat(t.entries()).extracting(FieldTable.Entry::name).containsExactlyElementsOf(m.keySet());
  }

  @Example
  void gettersConvertAcrossIntegerTypes() {
    FieldTable nested = FieldTable.of(Map.of("n", 1));
    FieldTable t = FieldTable.builder()
        .put("x-max-length", 10)
        .put("x-message-ttl", 60_000L)
        .put("short", (short) 7)
        .put("ub", new UnsignedByteValue(255))
        .put("name", "queue")
        .put("flag", false)
        .put("nested", nested)
        .build();
    assertThat(t.getLong("x-max-length")).isEqualTo(10L);
    assertThat(t.getLong("x-message-ttl")).isEqualTo(60_000L);
    assertThat(t.getLong("short")).isEqualTo(7L);
    assertThat(t.getLong("ub")).isEqualTo(255L);
    assertThat(t.getLong("name")).isNull();
    assertThat(t.getLong("missing")).isNull();
    assertThat(t.getString("name")).isEqualTo("queue");
    assertThat(t.getString("x-max-length")).isNull();
    assertThat(t.getBoolean("flag")).isFalse();
    assertThat(t.getTable("nested")).isEqualTo(nested);
    assertThat(t.get("name")).isEqualTo(new LongStringValue(LongString.of("queue")));
    assertThat(t.size()).isEqualTo(7);
    assertThat(t.isEmpty()).isFalse();
    assertThat(FieldTable.EMPTY.isEmpty()).isTrue();
    assertThat(t.toMap().get("nested")).isEqualTo(Map.of("n", 1));
  }

  @Example
  void builderReplacesARepeatedNameInPlace() {
    FieldTable t = FieldTable.builder().put("a", 1).put("b", 2).put("a", 3).build();
    assertThat(t.entries()).containsExactly(new FieldTable.Entry("a", new IntValue(3)),
        new FieldTable.Entry("b", new IntValue(2)));
  }

  @Example
  void duplicateNamesOnTheWireAreKept() {
    FieldTable t = FieldTable.of(List.of(new FieldTable.Entry("a", new IntValue(1)),
        new FieldTable.Entry("a", new IntValue(2))));
    byte[] bytes = Bytes.written(t::encode);
    FieldTable decoded = FieldTable.decode(Unpooled.wrappedBuffer(bytes));
    assertThat(decoded.size()).isEqualTo(2);
    assertThat(decoded.getLong("a")).isEqualTo(1L);
    assertThat(Bytes.written(decoded::encode)).isEqualTo(bytes);
  }

  @Example
  void namesOver255BytesAreRefused() {
    String name = "é".repeat(128);
    assertThatThrownBy(() -> FieldTable.builder().put(name, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FieldTable.Entry(name, VoidValue.INSTANCE))
        .isInstanceOf(IllegalArgumentException.class);
    FieldTable.builder().put("é".repeat(127) + "x", 1).build();
  }

  @Example
  void unknownValueTypeIsASyntaxError() {
    byte[] bytes = {0, 0, 0, 3, 1, 'k', 'Z'};
    assertThatThrownBy(() -> FieldTable.decode(Unpooled.wrappedBuffer(bytes)))
        .isInstanceOfSatisfying(AmqpException.class,
            e -> assertThat(e.code()).isEqualTo(ReplyCode.SYNTAX_ERROR));
  }

  @Example
  void malformedUtf8InANameIsAFrameError() {
    byte[] bytes = {0, 0, 0, 3, 1, (byte) 0xC3, 'V'};
    assertThatThrownBy(() -> FieldTable.decode(Unpooled.wrappedBuffer(bytes)))
        .isInstanceOfSatisfying(AmqpException.class,
            e -> assertThat(e.code()).isEqualTo(ReplyCode.FRAME_ERROR));
  }

  @Example
  void lengthBeyondTheInputIsAFrameError() {
    byte[] bytes = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xF0, 1, 'k', 'V'};
    assertThatThrownBy(() -> FieldTable.decode(Unpooled.wrappedBuffer(bytes)))
        .isInstanceOfSatisfying(AmqpException.class,
            e -> assertThat(e.code()).isEqualTo(ReplyCode.FRAME_ERROR));
  }

  @Example
  void deepNestingIsRefusedInsteadOfOverflowingTheStack() {
    FieldValue v = VoidValue.INSTANCE;
    for (int i = 0; i < 100; i++) {
      v = i % 2 == 0 ? new ArrayValue(List.of(v)) : new TableValue(FieldTable.of(Map.of("k", v)));
    }
    FieldTable deep = FieldTable.of(Map.of("k", v));
    byte[] bytes = Bytes.written(deep::encode);
    assertThatThrownBy(() -> FieldTable.decode(Unpooled.wrappedBuffer(bytes)))
        .isInstanceOfSatisfying(AmqpException.class,
            e -> assertThat(e.code()).isEqualTo(ReplyCode.SYNTAX_ERROR));
  }

  @Example
  void valuesCompareByContent() {
    assertThat(new BytesValue(LongString.of(new byte[] {1, 2})))
        .isEqualTo(new BytesValue(LongString.of(new byte[] {1, 2})));
    assertThat(new DoubleValue(Double.NaN)).isEqualTo(new DoubleValue(Double.NaN));
    assertThat(new FloatValue(0.0f)).isNotEqualTo(new FloatValue(-0.0f));
    assertThat(DecimalValue.of(new BigDecimal("-1.5")).toBigDecimal()).isEqualTo(new BigDecimal("-1.5"));
    assertThat(new TimestampValue(3).toJava()).isEqualTo(new Date(3000));
    assertThat(new LongValue(1)).isNotEqualTo(new FieldValue.LongLongValue(1));
    assertThat(new ShortValue((short) 1).toJava()).isEqualTo((short) 1);
    assertThat(BooleanValue.TRUE.toJava()).isEqualTo(true);
  }

  @Example
  void longStringsAreImmutableBytesWithValueEquality() {
    byte[] raw = {'a', 'b'};
    LongString s = LongString.of(raw);
    raw[0] = 'z';
    assertThat(s.toString()).isEqualTo("ab");
    s.bytes()[0] = 'q';
    assertThat(s).isEqualTo(LongString.of("ab")).hasSameHashCodeAs(LongString.of("ab"));
    assertThat(s.length()).isEqualTo(2);
    assertThat(LongString.of("")).isSameAs(LongString.EMPTY);
  }
}
