using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace Channel.Identity;

/// <summary>
/// ASP.NET Core data protection's keys in the service's database, so every instance reads the
/// sign-in cookie and the forms' anti-forgery tokens that another wrote, and a restart signs nobody out.
/// </summary>
public sealed class DataProtectionKeys(NpgsqlDataSource db) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = db.OpenConnection();
        return [.. connection.Query<string>("select xml from data_protection_keys order by name").Select(x => XElement.Parse(x))];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = db.OpenConnection();
        connection.Execute("insert into data_protection_keys (name, xml) values (@friendlyName, @xml) on conflict (name) do nothing",
            new { friendlyName, xml = element.ToString(SaveOptions.DisableFormatting) });
    }
}
