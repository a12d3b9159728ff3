import SourcedCore
import Testing

@Suite struct DayTests {
    @Test(arguments: [
        "2023-02-30", "2023-13-01", "2023-1-01", "20230101", "2023-02-29", "2023-04-31", " 2023-01-01",
        "2023-01-01T00:00",
    ])
    func rejectsWhatIsNotADate(_ text: String) {
        #expect(Day(text) == nil)
    }

    @Test func acceptsRealDatesIncludingLeapDays() throws {
        let day = try #require(Day("2024-02-29"))
        #expect(day.year == 2024 && day.month == 2 && day.day == 29)
        #expect(Day("2000-02-29") != nil)
        #expect(Day("1900-02-29") == nil)
    }

    @Test func epochRoundTripAndArithmetic() throws {
        #expect(Day(daysSinceEpoch: 0).description == "1970-01-01")
        let day = try #require(Day("2026-11-01"))
        #expect(Day(daysSinceEpoch: day.daysSinceEpoch) == day)
        #expect(day.adding(days: 730).description == "2028-10-31")
        #expect(Day(daysSinceEpoch: 1_793_491_200 / 86_400) == day)
    }

    /// A number of days from a user (`review.max_age_days: 9223372036854775807`) trapped.
    @Test func arithmeticStopsAtTheYearsADateCanWrite() throws {
        let first = try #require(Day("0001-01-01"))
        let last = try #require(Day("9999-12-31"))
        #expect(Day.supportedDays == first.daysSinceEpoch...last.daysSinceEpoch)
        let day = try #require(Day("2026-11-01"))
        #expect(day.adding(days: .max) == last)
        #expect(day.adding(days: 99_999_999_999_999_999) == last)
        #expect(day.adding(days: .min) == first)
        #expect(last.adding(days: 1) == last)
        #expect(day < last && first < day)
    }
}

@Suite struct SiteSettingsTests {
    @Test func rootPathComesFromBaseURL() {
        #expect(SiteSettings(baseURL: "https://kb.example.org/").rootPath == "/")
        #expect(SiteSettings(baseURL: "https://kb.example.org").rootPath == "/")
        #expect(SiteSettings(baseURL: "https://example.org/kb").rootPath == "/kb/")
        #expect(SiteSettings(baseURL: "https://example.org/kb").absoluteBase == "https://example.org/kb/")
    }

    @Test func htmlEscapingCoversAttributes() {
        #expect("<a href=\"x\">'&'</a>".htmlEscaped == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        #expect("Ünïcode ✓ 😀 & <é>".htmlEscaped == "Ünïcode ✓ 😀 &amp; &lt;é&gt;")
        #expect("plain text, nothing to do".htmlEscaped == "plain text, nothing to do")
        #expect("".htmlEscaped == "")
    }
}
