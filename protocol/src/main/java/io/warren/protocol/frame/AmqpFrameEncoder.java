package io.warren.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;

/**
 * Writes {@link Frame}s as bytes. Method, header and heartbeat frames, and small bodies, are
 * encoded into one buffer; a body of {@value #COPY_THRESHOLD} bytes or more goes out without
 * copying, as a composite of a 7-byte frame header, the payload itself and the end octet.
 * {@link ByteBuf}s (such as the protocol header from {@link FrameWriter#writeProtocolHeader})
 * and other messages pass through unchanged.
 *
 * <p>Releases the frames it writes. A method that cannot be encoded (an argument out of range)
 * fails the write's promise with IllegalArgumentException. Stateless, hence sharable.
 */
@Sharable
public class AmqpFrameEncoder extends ChannelOutboundHandlerAdapter {
  /** Bodies smaller than this are copied: cheaper than a composite buffer. */
  static final int COPY_THRESHOLD = 1024;

  private static final ByteBuf FRAME_END =
      Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[] {(byte) Frame.FRAME_END}));

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof Frame frame)) {
      ctx.write(msg, promise);
      return;
    }
    ByteBuf encoded;
    try {
      encoded = encode(ctx, frame);
    } catch (RuntimeException e) {
      promise.setFailure(e);
      return;
    } finally {
      ReferenceCountUtil.release(frame);
    }
    ctx.write(encoded, promise);
  }

  private static ByteBuf encode(ChannelHandlerContext ctx, Frame frame) {
    if (frame instanceof ContentBodyFrame body
        && body.payload().readableBytes() >= COPY_THRESHOLD) {
      ByteBuf header = ctx.alloc().ioBuffer(7);
      FrameWriter.writeHeader(header, Frame.TYPE_BODY, body.channel());
      header.setInt(3, body.payload().readableBytes());
      CompositeByteBuf out = ctx.alloc().compositeBuffer(3);
      // the composite takes its own reference to the payload; the caller releases the frame's
      out.addComponents(true, header, body.payload().retain(), FRAME_END.duplicate());
      return out;
    }
    ByteBuf out = ctx.alloc().ioBuffer(initialSize(frame));
    try {
      FrameWriter.encode(frame, out);
      return out;
    } catch (RuntimeException e) {
      out.release();
      throw e;
    }
  }

  private static int initialSize(Frame frame) {
    if (frame instanceof ContentBodyFrame b) {
      return b.payload().readableBytes() + Frame.OVERHEAD;
    } else if (frame instanceof ContentHeaderFrame h) {
      return h.properties().readableBytes() + Frame.OVERHEAD + 12;
    }
    return 256;
  }
}
