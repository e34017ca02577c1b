package io.warren.protocol.frame;

import io.warren.protocol.AmqpException;
import io.warren.protocol.ReplyCode;

/**
 * Emitted by {@link AmqpFrameDecoder}, at most once, when the input is not valid AMQP; the decoder
 * ignores all input after it. The front end closes the connection with {@code connection.close}
 * carrying these values (all of these codes are connection errors).
 *
 * @param channel the channel of the offending frame (0 if not known)
 * @param classId class of the offending method, 0 if none
 * @param methodId method of the offending method, 0 if none
 */
public record FrameError(int replyCode, String replyText, int channel, int classId, int methodId) {

  static FrameError of(AmqpException e, int channel) {
    return new FrameError(e.replyCode(), e.replyText(), channel, e.classId(), e.methodId());
  }

  /** The matching exception (without the channel). */
  public AmqpException toException() {
    ReplyCode code = ReplyCode.of(replyCode);
    return new AmqpException(code != null ? code : ReplyCode.INTERNAL_ERROR, replyText, classId,
        methodId);
  }
}
