/// The human-facing pages: the course's HTML report, the Markdown report, the dashboard.
enum ReportPages {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// The course's report: a table Event Type / Event Description / Occured On.
    static func htmlReport(events: [StoredEvent]) -> String {
        let rows = events.map {
            "<tr><td>\(escape($0.eventType))</td><td>\(escape($0.eventDescription))</td><td>\(escape($0.occuredOn))</td></tr>"
        }.joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>Car shop report</title></head>
            <body><h1>Car shop report</h1>
            <table border="1">
            <thead><tr><th>Event Type</th><th>Event Description</th><th>Occured On</th></tr></thead>
            <tbody>
            \(rows)
            </tbody></table></body></html>
            """
    }

    static func markdown(summary: ReportSummary, events: [StoredEvent]) -> String {
        var lines = ["# Car shop report", "",
                     "\(summary.total) events: \(summary.customers) customers added, \(summary.carsAdded) cars added, \(summary.carsSold) cars sold.",
                     "Last event: \(summary.lastEventAt ?? "none"). Dead letters: \(summary.deadLetters).", "",
                     "| Event Type | Event Description | Occured On |", "| --- | --- | --- |"]
        for event in events {
            lines.append("| \(event.eventType) | \(event.eventDescription.replacingOccurrences(of: "|", with: "\\|")) | \(event.occuredOn) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A live page: loads the events, then follows `/api/v1/events/stream`.
    static let dashboard = """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>Car shop dashboard</title>
        <style>
          body { font-family: sans-serif; margin: 2em; }
          table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 4px 8px; }
          #chart { display: flex; gap: 1em; align-items: flex-end; height: 120px; margin: 1em 0; }
          .bar { background: #4a7; width: 80px; text-align: center; color: white; }
          .label { text-align: center; width: 80px; font-size: small; }
        </style></head>
        <body>
        <h1>Car shop — reported events</h1>
        <p id="status">connecting…</p>
        <div id="chart"></div><div id="labels" style="display:flex;gap:1em"></div>
        <table><thead><tr><th>#</th><th>Event Type</th><th>Event Description</th><th>Occured On</th></tr></thead>
        <tbody id="events"></tbody></table>
        <script>
        const counts = { CustomerAdded: 0, CarAdded: 0, CarSold: 0 };
        const seen = new Set();
        function draw() {
          const max = Math.max(1, ...Object.values(counts));
          document.getElementById('chart').innerHTML = Object.entries(counts).map(([type, n]) =>
            `<div class="bar" style="height:${Math.max(4, 110 * n / max)}px">${n}</div>`).join('');
          document.getElementById('labels').innerHTML = Object.keys(counts).map(t => `<div class="label">${t}</div>`).join('');
        }
        function add(e) {
          if (seen.has(e.Id)) return;
          seen.add(e.Id);
          counts[e.EventType] = (counts[e.EventType] || 0) + 1;
          const row = document.createElement('tr');
          row.className = 'event';
          for (const value of [e.Id, e.EventType, e.EventDescription, e.OccuredOn]) {
            const cell = document.createElement('td'); cell.textContent = value; row.appendChild(cell);
          }
          document.getElementById('events').appendChild(row);
          draw();
        }
        // The stream starts after the newest listed event, so an event stored between the two
        // requests still arrives; reconnects resume from the last id received.
        fetch('/api/v1/reported-events').then(r => r.json()).then(events => {
          events.forEach(add);
          const newest = events.length ? events[events.length - 1].Id : 0;
          const source = new EventSource('/api/v1/events/stream?after=' + newest);
          source.onopen = () => { document.getElementById('status').textContent = 'live'; };
          source.addEventListener('reported-event', m => add(JSON.parse(m.data)));
          source.onerror = () => { document.getElementById('status').textContent = 'reconnecting…'; };
        });
        draw();
        </script></body></html>
        """
}
