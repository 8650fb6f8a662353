using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Clientele.Tests.Fakes;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Success;

/// <summary>Issue 11 item 7 with Ai__Provider=openai against the fake Chat Completions server: the model reads the contract (JSON schema answer, validated), the built-in extractor stands in when it fails.</summary>
public sealed class ContractModelTests(AiGatewayFixture f) : IClassFixture<AiGatewayFixture>
{
    // Prose the built-in rules read only partly: no "Customer:" line, the fee in words, no "N seats at $X" line.
    private const string Text = """
        ORDER FORM
        Customer: Lakeside Dental Group
        Effective Date: 2027-01-01
        End Date: 2027-12-31
        Lakeside will pay forty-eight thousand US dollars per year for the platform.
        The order covers forty clinician logins and the premium support package.
        """;

    private static async Task<JsonNode> UploadAsync(AppFixture.Tenant t)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(Text));
        file.Headers.ContentType = MediaTypeHeaderValue.Parse("text/plain");
        form.Add(file, "file", "lakeside.txt");
        var res = await t.Http.PostAsync("/api/v1/contracts", form);
        var body = await res.Content.ReadAsStringAsync();
        res.StatusCode.ShouldBe(HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!;
    }

    [Fact]
    public async Task The_configured_model_reads_the_contract_with_a_json_schema_and_a_failed_or_invalid_answer_leaves_the_built_in_reading()
    {
        f.OpenAi.Reset();
        var t = await f.SignupAsync();
        var answer = new JsonObject
        {
            ["company_name"] = "Lakeside Dental Group",
            ["arr"] = 48000,
            ["contract_term"] = "12 months",
            ["start_date"] = "2027-01-01",
            ["end_date"] = "31/12/2027", // not a date the schema allows: the built-in's end date stays
            ["pricing_terms"] = new JsonArray("forty-eight thousand US dollars per year"),
            ["technical_requirements"] = new JsonArray(),
            ["entitlements"] = new JsonArray(
                new JsonObject { ["name"] = "Clinician logins", ["quantity"] = 40, ["unit"] = "seat", ["price"] = 100, ["category"] = "seats", ["evidence"] = "forty clinician logins" },
                new JsonObject { ["name"] = "Premium support", ["quantity"] = 1, ["unit"] = "package", ["price"] = null, ["category"] = "nonsense", ["evidence"] = "the premium support package" },
                new JsonObject { ["quantity"] = 3 }), // no name: dropped
            ["evidence"] = new JsonObject { ["arr"] = "Lakeside will pay forty-eight thousand US dollars per year for the platform." },
        };
        f.OpenAi.Enqueue(new FakeOpenAi.Reply { Content = answer.ToJsonString(), PromptTokens = 400, CompletionTokens = 150 });

        var c = await UploadAsync(t);
        c["arr"]!.GetValue<decimal>().ShouldBe(48000m); // the built-in found no ARR in words
        c["contract_term"]!.GetValue<string>().ShouldBe("12 months");
        c["end_date"]!.GetValue<string>().ShouldBe("2027-12-31"); // the built-in's, read from "End Date:"
        c["parsed_data"]!["extracted_by"]!.GetValue<string>().ShouldBe("gpt-4o-mini");
        c["parsed_data"]!["evidence"]!["arr"]!.GetValue<string>().ShouldContain("forty-eight thousand");
        c["missing_info"]!.AsArray().ShouldBeEmpty();
        var ents = (await t.Http.GetJsonAsync($"/api/v1/entitlements?contract_id={c["id"]}&order=name")).Json!["data"]!.AsArray();
        ents.Select(x => x!["name"]!.GetValue<string>()).ShouldBe(["Clinician logins", "Premium support"]);
        ents[0]!["quantity"]!.GetValue<int>().ShouldBe(40);
        ents[0]!["category"]!.GetValue<string>().ShouldBe("seats");
        ents[1]!["category"]!.GetValue<string>().ShouldBe("product"); // an unknown category is not stored
        ents[0]!["metadata"]!["extracted_by"]!.GetValue<string>().ShouldBe("gpt-4o-mini");

        // What the model was sent: the contract and a JSON schema response format; the call is in the usage ledger.
        var request = f.OpenAi.Requests.Single();
        request.Messages[^1]!["content"]!.GetValue<string>().ShouldContain("forty clinician logins");
        request.Body["response_format"]!["type"]!.GetValue<string>().ShouldBe("json_schema");
        request.Body["response_format"]!["json_schema"]!["name"]!.GetValue<string>().ShouldBe("contract_terms");
        var usage = (await t.Http.GetJsonAsync("/api/v1/llm_usage_logs?workflow_name=contracts")).Json!["data"]!.AsArray().Single()!;
        usage["node_name"]!.GetValue<string>().ShouldBe("extract");
        usage["completion_tokens"]!.GetValue<int>().ShouldBe(150);

        // The provider fails: the built-in extractor's reading is stored, with the reason.
        f.OpenAi.FailNext(4, 500);
        var failed = await UploadAsync(t);
        failed["parsed_data"]!["extracted_by"]!.GetValue<string>().ShouldBe("builtin");
        failed["parsed_data"]!["fallback_reason"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        failed["arr"].ShouldBeNull();
        failed["missing_info"]!.AsArray().Select(x => x!.GetValue<string>()).ShouldContain("arr");

        // An answer that is not JSON (the fake's default sentence) also leaves the built-in reading.
        var prose = await UploadAsync(t);
        prose["parsed_data"]!["extracted_by"]!.GetValue<string>().ShouldBe("builtin");
        prose["parsed_data"]!["fallback_reason"]!.GetValue<string>().ShouldContain("not the contract terms JSON");
        prose["company_name"]!.GetValue<string>().ShouldBe("Lakeside Dental Group");
    }
}
