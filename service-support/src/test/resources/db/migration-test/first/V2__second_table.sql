create table second_table (id int primary key);
