package io.warren.raft;

/**
 * A committed and applied command.
 *
 * @param index the log index the command was committed at
 * @param reply what {@link GroupStateMachine#apply} returned for it
 */
public record SubmitResult(long index, byte[] reply) {}
