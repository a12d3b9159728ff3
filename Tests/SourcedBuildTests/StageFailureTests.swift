import Testing

@testable import SourcedBuild

/// A failure that is not the content's fault names the stage it happened in and its path.
struct StageFailureTests {
    struct Plain: Error, CustomStringConvertible {
        var description: String
    }

    @Test func aReasonThatQuotesThePathIsNotGivenItTwice() {
        let failure = StageFailure(.output, path: "Public", reason: "refusing to replace 'Public': it holds 1 file")
        #expect(failure.description == "output: refusing to replace 'Public': it holds 1 file")
    }

    @Test func aReasonThatQuotesAPathInsideItIsNotGivenIt() {
        let failure = StageFailure(
            .rendering, path: "Theme", reason: "template 'Theme/topic.mustache' does not compile")
        #expect(failure.description == "rendering: template 'Theme/topic.mustache' does not compile")
    }

    @Test func aReasonWithoutThePathIsGivenIt() {
        let failure = StageFailure(.review, path: "Content/a.md", reason: "the page has no closed front matter")
        #expect(failure.description == "review: 'Content/a.md': the page has no closed front matter")
    }

    @Test func theStageWrapsWhatItThrowsAndKeepsAnInnerStage() throws {
        // `#expect(throws:)` hands back the error, so a block that stops throwing fails the test.
        let wrapped = #expect(throws: StageFailure.self) {
            try Pipeline.stage(.loading, "Content") { throw Plain(description: "cannot read 'Content/x.md'") }
        }
        #expect(wrapped?.stage == .loading)
        #expect(wrapped?.path == "Content")
        #expect(wrapped?.description == "loading: cannot read 'Content/x.md'")
        let inner = #expect(throws: StageFailure.self) {
            try Pipeline.stage(.output, "Public") {
                try Pipeline.stage(.rendering, "Templates") { throw Plain(description: "no layout") }
            }
        }
        #expect(inner?.stage == .rendering)
        #expect(inner?.description == "rendering: 'Templates': no layout")
        #expect(throws: CancellationError.self) {
            try Pipeline.stage(.output, "Public") { throw CancellationError() }
        }
        #expect(try Pipeline.stage(.output, "Public") { 7 } == 7)
    }
}
