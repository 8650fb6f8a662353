using System.Text;
using System.Text.Json;
using Clientele.Platform.Http;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>JsonText.Find names the place of the first text problem in a body (it walks every request body without allocating while all is well).</summary>
public sealed class JsonTextTests
{
    private static JsonText.Problem? Find(string json, string path = "")
    {
        using var doc = JsonDocument.Parse(Encoding.UTF8.GetBytes(json));
        return JsonText.Find(doc.RootElement, path);
    }

    [Theory]
    [InlineData("""{"a": 1, "b": "x", "c": {"d": [1, "y", {"e": null}]}}""")]
    [InlineData("""{"name": "caf\u00e9 \ud83d\ude00", "emoji": "😀"}""")]
    public void Clean_bodies_have_no_problem(string json) => Find(json).ShouldBeNull();

    [Theory]
    [InlineData("""{"a": "x\u0000y"}""", "a", "NUL")]
    [InlineData("""{"a": {"b": ["ok", "\ud800"]}}""", "a.b[1]", "lone surrogate")]
    [InlineData("""{"a": 1, "a": 2}""", "a", "more than once")]
    [InlineData("""{"a": {"x": 1, "\u0078": 2}}""", "a.x", "more than once")]
    [InlineData("""[{"k": 1}, {"k": 1, "k": 2}]""", "_[1].k", "more than once")]
    [InlineData("""{"a\u0000": 1}""", "_", "property name")]
    [InlineData("""{"list": [[1], ["\udc00"]]}""", "list[1][0]", "lone surrogate")]
    public void A_problem_is_named_by_its_path(string json, string path, string reason)
    {
        var problem = Find(json).ShouldNotBeNull();
        problem.Path.ShouldBe(path);
        problem.Reason.ShouldContain(reason);
    }

    [Fact]
    public void A_duplicate_in_a_large_object_is_found_past_the_pairwise_limit()
    {
        var members = string.Join(", ", Enumerable.Range(0, 40).Select(i => $"\"f{i}\": {i}"));
        Find("{\"o\": {" + members + ", \"f3\": 0}}").ShouldNotBeNull().Path.ShouldBe("o.f3");
        Find("{\"o\": {" + members + "}}").ShouldBeNull();
    }

    [Fact]
    public void Invalid_utf8_in_a_value_is_named()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"a": "xZy"}""");
        bytes[8] = 0xFF;
        using var doc = JsonDocument.Parse(bytes);
        var problem = JsonText.Find(doc.RootElement).ShouldNotBeNull();
        problem.Path.ShouldBe("a");
        problem.Reason.ShouldContain("UTF-8");
    }

    [Fact]
    public void The_callers_path_prefixes_the_place() =>
        Find("""{"b": "\u0000"}""", "items[2]").ShouldNotBeNull().Path.ShouldBe("items[2].b");
}
