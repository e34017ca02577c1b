/**
 * Frames: {@link io.warren.protocol.frame.AmqpFrameDecoder} (bytes to frames and events), {@link
 * io.warren.protocol.frame.AmqpFrameEncoder} (frames to bytes), {@link
 * io.warren.protocol.frame.FrameWriter} (outbound content, protocol header) and {@link
 * io.warren.protocol.frame.ContentAssembler} (frames to commands).
 */
package io.warren.protocol.frame;
