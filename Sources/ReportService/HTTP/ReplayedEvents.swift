/// The ids of the newest events a Server-Sent Events stream replayed from the store, so an
/// event that also arrives live is sent once.
///
/// Bounded, unlike the backlog: only events stored around the moment the stream subscribed
/// can arrive both ways, and the live buffer keeps at most `EventBroadcaster.liveBuffer`
/// of them, all among the newest the backlog held. Backlog pages come oldest first, so the
/// newest `capacity` replayed ids are the only ones worth remembering.
struct ReplayedEvents {
    let capacity: Int
    /// Ascending, as the backlog is read; trimmed to the newest `capacity` in batches.
    private var newest: [Int64] = []
    /// Built from `newest` once the backlog is over.
    private var lookup: Set<Int64>?

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// How many ids are remembered (at most twice `capacity`).
    var count: Int { lookup?.count ?? newest.count }

    /// Records one replayed event; ids come in ascending order.
    mutating func replayed(_ id: Int64) {
        newest.append(id)
        if newest.count >= 2 * capacity { newest.removeFirst(newest.count - capacity) }
    }

    /// True the first time a live event with a replayed id is asked about.
    mutating func isDuplicate(_ id: Int64) -> Bool {
        if lookup == nil {
            lookup = Set(newest)
            newest = []
        }
        return lookup?.remove(id) != nil
    }
}
