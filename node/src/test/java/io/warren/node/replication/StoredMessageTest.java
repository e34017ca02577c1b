package io.warren.node.replication;

import static io.warren.node.replication.Samples.assertSameMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warren.model.Arguments;
import io.warren.model.Message;
import io.warren.model.MessageBody;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class StoredMessageTest {

  static Stream<Message> messages() {
    byte[] large = new byte[100_000];
    Arrays.fill(large, (byte) 0xAB);
    return Stream.of(
        Samples.message("hello", true),
        Samples.message("", false),
        Samples.emptyMessage(),
        new Message("x", "rk", new byte[] {1, 2, 3}, MessageBody.of(large), Samples.everyValueType(), true));
  }

  @ParameterizedTest
  @MethodSource("messages")
  void roundTrips(Message message) {
    assertSameMessage(StoredMessage.decode(StoredMessage.encode(message)), message);
  }

  @ParameterizedTest
  @MethodSource("messages")
  void theBodyIsTheTailAtTheGivenOffset(Message message) {
    byte[] value = StoredMessage.encode(message);
    int offset = StoredMessage.bodyOffset(value);
    int length = StoredMessage.bodyLength(value);

    assertThat(offset + length).isEqualTo(value.length);
    assertThat(Arrays.copyOfRange(value, offset, offset + length)).isEqualTo(message.body().bytes());
  }

  @Test
  void decodingWithAnotherBodyKeepsTheFieldsAndUsesThatBody() {
    Message message = Samples.message("stored body", true);
    MessageBody elsewhere = MessageBody.of("fetched later".getBytes(StandardCharsets.UTF_8));

    Message decoded = StoredMessage.decode(StoredMessage.encode(message), elsewhere);

    assertThat(decoded.body()).isSameAs(elsewhere);
    assertThat(decoded.exchange()).isEqualTo(message.exchange());
    assertThat(decoded.routingKey()).isEqualTo(message.routingKey());
    assertThat(decoded.properties()).isEqualTo(message.properties());
    assertThat(decoded.headers()).isEqualTo(message.headers());
    assertThat(decoded.persistent()).isTrue();
  }

  @Test
  void theLayoutIsAsDocumented() {
    Message message =
        new Message("e", "", new byte[0], MessageBody.of(new byte[] {9}), Arguments.EMPTY, true, null, 7);
    byte[] value = StoredMessage.encode(message);
    assertThat(StoredMessage.decode(value).priority()).isEqualTo(7);
    assertThat(value).containsExactly(
        3, // format
        0, 0, 0, 20, // envelope length
        0, 0, 0, 1, 'e', // exchange
        0, 0, 0, 0, // routing key
        0, 0, 0, 0, // properties
        1, // persistent
        0, 0, 0, 0, // headers
        0, // no expiration
        7, // priority
        9); // body
  }

  @Test
  void truncationsOfTheEnvelopeAreRejectedClearly() {
    // Cutting into the body cannot be detected (the body has no length); cutting into the rest can.
    byte[] value = StoredMessage.encode(Samples.message("body", true));
    int offset = StoredMessage.bodyOffset(value);
    for (int len = 0; len < offset; len++) {
      byte[] prefix = Arrays.copyOf(value, len);
      for (var decoder : List.<Runnable>of(
          () -> StoredMessage.decode(prefix), () -> StoredMessage.bodyOffset(prefix))) {
        assertThatThrownBy(decoder::run)
            .as("prefix of %d of %d bytes", len, value.length)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("truncated stored message");
      }
    }
  }

  @Test
  void anotherFormatIsRejected() {
    byte[] value = StoredMessage.encode(Samples.emptyMessage());
    value[0] = 2;
    assertThatThrownBy(() -> StoredMessage.decode(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown format 2");
  }

  @Test
  void anEnvelopeThatDoesNotFillItsLengthIsRejected() {
    byte[] value = StoredMessage.encode(Samples.emptyMessage());
    byte[] padded = new byte[value.length + 1];
    System.arraycopy(value, 0, padded, 0, value.length);
    padded[4]++; // the envelope length now claims one more byte than the envelope has
    assertThatThrownBy(() -> StoredMessage.decode(padded))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trailing");
  }
}
