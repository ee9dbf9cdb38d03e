import CDispatchKick

/// Rounds of no-ops the test process has queued on Dispatch's global queues so far
/// (`Tests/CDispatchKick`).
public var dispatchKickRounds: UInt { UInt(tributary_dispatch_kicks()) }
