-- Sell-through by month without partner and SKU (the channel-wide month view), and registered revenue likewise.
create table sell_through_month (
    month          date          not null,
    distributor_id uuid          not null,
    region         text          not null,
    revenue        numeric(20,2) not null,
    units          numeric(20,4) not null,
    lines          int           not null,
    primary key (month, distributor_id, region)
);

create table registered_month (
    month          date          not null,
    distributor_id uuid          not null,
    revenue        numeric(20,2) not null,
    primary key (month, distributor_id)
);

insert into sell_through_month
select month, distributor_id, region, sum(revenue), sum(units), sum(lines) from sell_through group by 1, 2, 3;
insert into registered_month select month, distributor_id, sum(revenue) from sell_through_registered group by 1, 2;
