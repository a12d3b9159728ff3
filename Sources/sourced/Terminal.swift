import Foundation

/// What the process's standard output and error are connected to, from the environment the
/// CLI was started in: colour and progress only on a terminal, never on a pipe or in CI.
struct Terminal {
    let environment: [String: String]

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// Colour on `descriptor` (1 or 2): a terminal, `NO_COLOR` unset or empty, and not `TERM=dumb`.
    func colour(_ descriptor: Int32) -> Bool {
        isatty(descriptor) == 1 && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

    /// Progress on standard error: a terminal, and not a CI job (`CI` set, as GitHub Actions,
    /// GitLab and most others set it).
    var showsProgress: Bool {
        isatty(2) == 1 && (environment["CI"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }
}

/// A line on standard error that says a run is still going, shown only once it has taken a
/// second, updated every quarter second, and wiped when the run ends.
final class ProgressLine: Sendable {
    private let task: Task<Void, Never>

    init(_ label: String, enabled: Bool) {
        task = Task.detached {
            guard enabled else { return }
            let start = ContinuousClock.now
            do { try await Task.sleep(for: .seconds(1)) } catch { return }
            let frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
            var frame = 0
            while !Task.isCancelled {
                let seconds =
                    Double((ContinuousClock.now - start).components.seconds)
                    + Double((ContinuousClock.now - start).components.attoseconds) / 1e18
                let line = "\r\(frames[frame % frames.count]) \(label) \(String(format: "%.1f", seconds)) s"
                FileHandle.standardError.write(Data(line.utf8))
                frame += 1
                do { try await Task.sleep(for: .milliseconds(250)) } catch { break }
            }
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        }
    }

    /// Stops it and wipes its line, before anything else is printed.
    func finish() async {
        task.cancel()
        await task.value
    }
}
