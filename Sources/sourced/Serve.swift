import ArgumentParser
import Foundation
import SourcedCore
import SourcedPreview

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build the site in memory and serve a live preview with every review status shown.")

    @OptionGroup var options: CommonOptions
    @OptionGroup var cacheOptions: CacheOptions

    @Option(help: "Address to listen on; loopback unless you say otherwise.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on, 1 to 65535 (0 picks a free one).")
    var port = 8080

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be from 1 to 65535, not \(port)") }
    }

    func run() async throws {
        let fixed = options.date != nil ? try options.today() : nil
        let environmentDate = try options.today()
        let usesSystemDate = options.date == nil && ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"] == nil
        let today: @Sendable () -> Day = {
            if let fixed { return fixed }
            if usesSystemDate { return Day(daysSinceEpoch: Int(Date().timeIntervalSince1970 / 86_400)) }
            return environmentDate
        }
        let serverOptions = PreviewServer.Options(
            content: options.content, templates: options.templates, host: host, port: port, today: today,
            workers: try options.workerPool(), cacheDirectory: cacheOptions.directory(content: options.content))
        do {
            try await PreviewServer.run(serverOptions) { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
        } catch {
            throw fail(error)
        }
    }
}
