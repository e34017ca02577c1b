package io.warren.model;

/**
 * What the submitter stamps on a command before it is applied: its position in the log and the
 * time the leader proposed it. Apply reads time only from here, never from a clock, so every
 * replica applying the same log reaches the same state.
 */
public record Meta(long index, long timestamp) {}
