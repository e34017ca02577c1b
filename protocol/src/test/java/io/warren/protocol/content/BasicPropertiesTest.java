package io.warren.protocol.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.protocol.AmqpException;
import io.warren.protocol.ReplyCode;
import io.warren.protocol.testkit.Bytes;
import io.warren.protocol.testkit.ProtocolArbitraries;
import io.warren.protocol.types.FieldTable;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class BasicPropertiesTest {

  @Provide
  Arbitrary<BasicProperties> properties() {
    return ProtocolArbitraries.basicProperties();
  }

  @Property(tries = 500)
  void propertiesRoundTripByteExactly(@ForAll("properties") BasicProperties props) {
    byte[] bytes = Bytes.written(props::encode);
    ByteBuf in = Unpooled.wrappedBuffer(bytes);
    BasicProperties decoded = BasicProperties.decode(in);
    assertThat(decoded).isEqualTo(props);
    assertThat(in.isReadable()).isFalse();
    assertThat(Bytes.written(decoded::encode)).isEqualTo(bytes);
    assertThat(decoded.toBuilder().build()).isEqualTo(props);
  }

  @Property(tries = 200)
  void truncatedPropertiesAreRejected(@ForAll("properties") BasicProperties props) {
    byte[] bytes = Bytes.written(props::encode);
    for (int len = 0; len < bytes.length; len++) {
      ByteBuf in = Unpooled.wrappedBuffer(bytes, 0, len);
      assertThatThrownBy(() -> BasicProperties.decode(in)).isInstanceOf(AmqpException.class);
    }
  }

  @Example
  void emptyPropertiesAreTwoZeroFlagBytes() {
    assertThat(Bytes.written(BasicProperties.EMPTY::encode)).containsExactly(0, 0);
    assertThat(BasicProperties.decode(Unpooled.wrappedBuffer(new byte[] {0, 0})))
        .isEqualTo(BasicProperties.EMPTY);
  }

  @Example
  void flagsAndOrderFollowTheSpec() {
    BasicProperties p = BasicProperties.builder()
        .contentType("ct")
        .deliveryMode(2)
        .timestamp(5L)
        .clusterId("c")
        .headers(FieldTable.of(Map.of("h", 1)))
        .build();
    byte[] expected = Bytes.concat(
        new byte[] {(byte) 0b1011_0000, 0b0100_0100},
        new byte[] {2, 'c', 't'},
        new byte[] {0, 0, 0, 7, 1, 'h', 'I', 0, 0, 0, 1},
        new byte[] {2},
        new byte[] {0, 0, 0, 0, 0, 0, 0, 5},
        new byte[] {1, 'c'});
    assertThat(Bytes.written(p::encode)).isEqualTo(expected);
    assertThat(p.isPersistent()).isTrue();
  }

  @Example
  void trailingBytesAreRejected() {
    assertThatThrownBy(() -> BasicProperties.decode(Unpooled.wrappedBuffer(new byte[] {0, 0, 1})))
        .isInstanceOfSatisfying(AmqpException.class,
            e -> assertThat(e.code()).isEqualTo(ReplyCode.FRAME_ERROR));
  }

  @Example
  void continuationWordsAreReadAndUnknownFlagsRefused() {
    // flags with the continuation bit, then an empty continuation word: no properties
    assertThat(BasicProperties.decode(Unpooled.wrappedBuffer(new byte[] {0, 1, 0, 0})))
        .isEqualTo(BasicProperties.EMPTY);
    assertThatThrownBy(() -> BasicProperties.decode(
        Unpooled.wrappedBuffer(new byte[] {0, 1, (byte) 0x80, 0})))
        .isInstanceOfSatisfying(AmqpException.class,
            e -> assertThat(e.code()).isEqualTo(ReplyCode.SYNTAX_ERROR));
  }

  @Example
  void octetPropertiesAreRangeChecked() {
    assertThatThrownBy(() -> BasicProperties.builder().priority(256).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BasicProperties.builder().deliveryMode(-1).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Example
  void shortStringsOver255BytesAreRefusedOnEncode() {
    BasicProperties p = BasicProperties.builder().messageId("m".repeat(256)).build();
    assertThatThrownBy(() -> Bytes.written(p::encode)).isInstanceOf(IllegalArgumentException.class);
  }
}
