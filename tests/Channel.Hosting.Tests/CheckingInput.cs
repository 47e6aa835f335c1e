using Channel.Hosting.Web;

namespace Channel.Hosting.Tests;

public sealed class CheckingInput
{
    [Theory]
    [InlineData("reseller.example", true)]
    [InlineData("sub.reseller.co.uk", true)]
    [InlineData("RESELLER.EXAMPLE", true)]
    [InlineData("reseller", false)]
    [InlineData("-bad.example", false)]
    [InlineData("x'; drop table partners; --", false)]
    [InlineData("http://reseller.example", false)]
    public void Domains(string value, bool ok)
    {
        var check = new Check();
        check.Domain("d", value);
        Assert.Equal(ok, !check.Failed);
    }

    [Theory]
    [InlineData("jo@reseller.example", true)]
    [InlineData("jo.smith+deals@reseller.example", true)]
    [InlineData("jo@", false)]
    [InlineData("@reseller.example", false)]
    [InlineData("jo reseller.example", false)]
    public void Emails(string value, bool ok)
    {
        var check = new Check();
        check.Email("e", value);
        Assert.Equal(ok, !check.Failed);
    }

    [Theory]
    [InlineData("Plain name", true)]
    [InlineData("Name with émoji 🚀", true)]
    [InlineData("bell\u0007", false)]
    [InlineData("nul\u0000", false)]
    [InlineData("line\nbreak", false)]
    [InlineData("   ", false)]
    public void Single_line_text(string value, bool ok)
    {
        var check = new Check();
        check.Text("t", value);
        Assert.Equal(ok, !check.Failed);
    }

    [Fact]
    public void A_lone_surrogate_is_broken_unicode()
    {
        var check = new Check();
        check.Text("t", "lone " + (char)0xD800 + " surrogate");
        Assert.True(check.Failed);
    }

    [Fact]
    public void Notes_may_span_lines_but_not_hold_other_control_characters()
    {
        var check = new Check();
        Assert.Equal("line one\r\nline two\tend", check.Note("n", "line one\r\nline two\tend"));
        check.Note("m", "escape\u001b[31m");
        Assert.True(check.Failed);
    }

    [Fact]
    public void Every_bad_field_is_reported_at_once()
    {
        var check = new Check();
        check.Text("a", null);
        check.Country("b", "ZZ");
        check.OneOf("c", "x", ["y"]);
        var problem = check.Problem();
        Assert.Equal(["a", "b", "c"], problem.ProblemDetails.Errors.Keys.Order());
    }
}
