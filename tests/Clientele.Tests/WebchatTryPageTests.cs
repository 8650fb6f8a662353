using System.Net;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

public sealed class WebchatTryPageTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task A_channel_can_be_tried_on_a_page_of_this_server()
    {
        var t = await app.SignupAsync();
        var number = await t.Http.PostJsonAsync("/api/v1/phone_numbers", new { platform = "webchat", meta_phone_number_id = "website", display_name = "Website" });
        number.Status.ShouldBe(HttpStatusCode.Created, number.Json?.ToJsonString());
        var key = number.Json!["public_key"]!.GetValue<string>();
        var page = await app.Client().GetAsync($"/webchat/{key}/try");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var html = await page.Content.ReadAsStringAsync();
        html.ShouldContain($"<script src=\"/widget.js\" data-channel=\"{key}\" async></script>");
        (await app.Client().GetAsync("/webchat/pk_doesnotexist/try")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
