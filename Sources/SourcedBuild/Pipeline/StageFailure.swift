/// A failure that is not the content's fault (SPEC §6: a one-line message, exit status 2), as
/// the orchestrator reports it: the stage it happened in and the path it concerns, so
/// `sourced: error: output: cannot create the folder 'Public': …` says where to look.
package struct StageFailure: Error, CustomStringConvertible {
    /// The stages and services of `docs/ARCHITECTURE.md`, as a message names them.
    package enum Stage: String, Sendable {
        case loading, rendering, output, review, workers
    }

    package var stage: Stage
    /// The folder or file the stage was working on.
    package var path: String
    /// What went wrong, as the stage said it.
    package var reason: String

    package init(_ stage: Stage, path: String, reason: String) {
        self.stage = stage
        self.path = path
        self.reason = reason
    }

    /// The stage, then the reason; the path too when the reason quotes neither it nor a path
    /// inside it.
    package var description: String {
        let quotesPath = reason.contains("'\(path)'") || reason.contains("'\(path)/")
        return quotesPath ? "\(stage.rawValue): \(reason)" : "\(stage.rawValue): '\(path)': \(reason)"
    }
}

extension Pipeline {
    /// Runs `work` as `stage`, on `path`: a failure it throws comes out as a `StageFailure`.
    /// One that already is keeps its stage (the innermost knows best), and cancellation stays
    /// cancellation.
    static func stage<T>(_ stage: StageFailure.Stage, _ path: String, _ work: () throws -> T) throws -> T {
        do {
            return try work()
        } catch {
            throw StageFailure.wrapping(error, stage, path)
        }
    }

    static func stage<T>(
        _ stage: StageFailure.Stage, _ path: String, isolation: isolated (any Actor)? = #isolation,
        _ work: () async throws -> T
    ) async throws -> T {
        do {
            return try await work()
        } catch {
            throw StageFailure.wrapping(error, stage, path)
        }
    }
}

extension StageFailure {
    static func wrapping(_ error: any Error, _ stage: Stage, _ path: String) -> any Error {
        if error is StageFailure || error is CancellationError { return error }
        return StageFailure(stage, path: path, reason: "\(error)")
    }
}
