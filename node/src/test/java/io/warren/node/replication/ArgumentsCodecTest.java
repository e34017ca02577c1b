package io.warren.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.warren.model.Arguments;
import io.warren.node.amqp.FieldTables;
import io.warren.protocol.types.FieldTable;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

class ArgumentsCodecTest {

  private static byte[] encode(Arguments arguments) {
    ByteBuf out = Unpooled.buffer();
    ArgumentsCodec.write(out, arguments);
    return ByteBufUtil.getBytes(out);
  }

  private static Arguments decode(byte[] bytes) {
    ByteBuf in = Unpooled.wrappedBuffer(bytes);
    Arguments arguments = ArgumentsCodec.read(in);
    assertThat(in.isReadable()).as("bytes left over").isFalse();
    return arguments;
  }

  @Example
  void everyValueTypeRoundTrips() {
    Arguments arguments = Samples.everyValueType();
    Arguments decoded = decode(encode(arguments));

    assertThat(decoded).isEqualTo(arguments);
    // equals alone would let a Short come back as an Integer with the same hash; types matter too.
    arguments.asMap().forEach((k, v) -> {
      if (v != null) {
        assertThat(decoded.get(k)).as(k).isInstanceOf(v instanceof List ? List.class : v.getClass());
      }
    });
    assertThat(decoded.asMap().keySet()).containsExactlyElementsOf(arguments.asMap().keySet());
  }

  @Example
  void theBytesAreAnAmqpFieldTable() {
    Arguments arguments = Samples.everyValueType();
    FieldTable table = FieldTable.decode(Unpooled.wrappedBuffer(encode(arguments)));
    assertThat(FieldTables.toArguments(table)).isEqualTo(arguments);
    assertThat(table.get("string").tag()).isEqualTo('S');
    assertThat(table.get("bytes").tag()).isEqualTo('x');
    assertThat(table.get("timestamp").tag()).isEqualTo('T');
    assertThat(table.get("decimal").tag()).isEqualTo('D');
    assertThat(table.get("list").tag()).isEqualTo('A');
    assertThat(table.get("table").tag()).isEqualTo('F');
    assertThat(table.get("void").tag()).isEqualTo('V');
  }

  @Example
  void emptyArgumentsAreAnEmptyTable() {
    assertThat(encode(Arguments.EMPTY)).containsExactly(0, 0, 0, 0);
    assertThat(decode(new byte[4])).isSameAs(Arguments.EMPTY);
  }

  @Example
  void valuesOfOtherTypesAreRefused() {
    assertThatThrownBy(() -> FieldTables.toFieldTable(Arguments.of("raw", new byte[] {1})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'raw'")
        .hasMessageContaining("byte[]");
    assertThatThrownBy(() -> FieldTables.toFieldTable(Arguments.of("d", new BigDecimal("1e10"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Example
  void everyTruncationIsRejectedClearly() {
    byte[] bytes = encode(Samples.everyValueType());
    for (int len = 0; len < bytes.length; len++) {
      byte[] prefix = Arrays.copyOf(bytes, len);
      assertThatThrownBy(() -> ArgumentsCodec.read(Unpooled.wrappedBuffer(prefix)))
          .as("prefix of %d of %d bytes", len, bytes.length)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("truncated");
    }
  }

  @Property(tries = 300)
  void arbitraryArgumentsRoundTrip(@ForAll("arguments") Arguments arguments) {
    assertThat(decode(encode(arguments))).isEqualTo(arguments);
  }

  @Provide
  Arbitrary<Arguments> arguments() {
    return arguments(3);
  }

  private static Arbitrary<Arguments> arguments(int depth) {
    return Arbitraries.maps(names(), values(depth)).ofMaxSize(6).map(Arguments::of);
  }

  private static Arbitrary<Object> values(int depth) {
    Arbitrary<Object> scalars = Arbitraries.oneOf(List.of(
        Arbitraries.of(true, false),
        Arbitraries.bytes().map(Object.class::cast),
        Arbitraries.shorts().map(Object.class::cast),
        Arbitraries.integers().map(Object.class::cast),
        Arbitraries.longs().map(Object.class::cast),
        Arbitraries.floats().map(Object.class::cast),
        Arbitraries.doubles().map(Object.class::cast),
        Arbitraries.integers().flatMap(u -> Arbitraries.integers().between(0, 255)
            .map(scale -> BigDecimal.valueOf(u, scale))).map(Object.class::cast),
        text(0, 40),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(20).map(Arguments.Bytes::new),
        Arbitraries.longs().map(Arguments.Timestamp::new)))
        .injectNull(0.05);
    if (depth == 0) {
      return scalars;
    }
    return Arbitraries.frequencyOf(List.of(
        Tuple.of(8, scalars),
        Tuple.of(1, values(depth - 1).list().ofMaxSize(4).map(Object.class::cast)),
        Tuple.of(1, arguments(depth - 1).map(Object.class::cast))));
  }

  private static Arbitrary<String> names() {
    return text(0, 30).map(String.class::cast);
  }

  /** Text without lone surrogates, which UTF-8 cannot carry. */
  private static Arbitrary<Object> text(int min, int max) {
    return Arbitraries.oneOf(List.of(
        Arbitraries.strings().withCharRange(' ', '~').ofMinLength(min).ofMaxLength(max),
        Arbitraries.strings().withCharRange('\u0000', '\uD7FF').ofMinLength(min).ofMaxLength(max)))
        .map(Object.class::cast);
  }
}
