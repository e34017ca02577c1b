package io.warren.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

/**
 * An entry is framed without copying its payload and read back as a view: what a replica reads,
 * from the submitted entry or from the log file's flat bytes, is what was submitted.
 */
class EnvelopeTest {
  private static final UUID ORIGIN = UUID.randomUUID();

  /** A payload in the middle of a larger array, as an encoder's buffer leaves it. */
  private static ByteBuffer payload(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    byte[] larger = new byte[bytes.length + 20];
    System.arraycopy(bytes, 0, larger, 7, bytes.length);
    return ByteBuffer.wrap(larger, 7, bytes.length);
  }

  private static String text(ByteBuffer view) {
    byte[] bytes = new byte[view.remaining()];
    view.duplicate().get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Test
  void aSubmittedEntryReadsBackAsSubmitted() {
    String body = "x".repeat(300) + " the commands of one entry";

    Envelope.Entry read = Envelope.parseEntry(Envelope.entry(Envelope.COMMAND, ORIGIN, 42, payload(body)));

    assertEquals(Envelope.COMMAND, read.kind());
    assertEquals(ORIGIN, read.origin());
    assertEquals(42, read.seq());
    assertEquals(body, text(read.payload()));
  }

  @Test
  void theFlatBytesOfTheLogReadTheSame() {
    ByteBuffer submitted = payload("short");
    ByteString framed = Envelope.entry(Envelope.BARRIER, ORIGIN, 7, submitted);

    Envelope.Entry read = Envelope.parseEntry(ByteString.copyFrom(framed.toByteArray()));

    assertEquals(Envelope.BARRIER, read.kind());
    assertEquals(7, read.seq());
    assertEquals("short", text(read.payload()));
    assertEquals(5, submitted.remaining(), "framing leaves the caller's buffer as it was");
  }
}
